export function TrainingView() {
  return (
    <section>
      <h1>TrainingView</h1>
    </section>
  );
}
