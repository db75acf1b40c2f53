export function ForecastView() {
  return (
    <section>
      <h1>ForecastView</h1>
    </section>
  );
}
