import { useMutation, useQueryClient } from '@tanstack/react-query';

/** A mutation that refreshes the given query keys when it succeeds. */
export function useAction<A, R>(fn: (arg: A) => Promise<R>, invalidate: unknown[][], onDone?: (r: R) => void) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: async (r) => {
      await Promise.all(invalidate.map((queryKey) => qc.invalidateQueries({ queryKey })));
      onDone?.(r);
    },
  });
}
