// Stands in for the slow parts of real tests (a database, a browser, a network call): each test waits
// for a fixed time, so the suite has the skew of a real one (a few slow files, many fast ones) and runs
// the same on any machine.
export function simulate(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
