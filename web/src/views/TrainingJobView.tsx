export function TrainingJobView() {
  return (
    <section>
      <h1>TrainingJobView</h1>
    </section>
  );
}
