import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { IntegerRange, queryInteger } from '../validation';

interface IntQueryArgs extends IntegerRange {
  name: string;
}

const intQuery = createParamDecorator((args: IntQueryArgs, ctx: ExecutionContext): number | undefined => {
  const query = ctx.switchToHttp().getRequest<FastifyRequest>().query as Record<string, unknown> | undefined;
  return queryInteger(args.name, query?.[args.name], args);
});

/**
 * An integer query parameter of a tsflow route, validated in one place (`queryInteger`): non-finite,
 * fractional, repeated and out-of-range values are a 400 naming the parameter.
 */
export const IntQuery = (name: string, range: IntegerRange = {}): ParameterDecorator => intQuery({ name, ...range });
