import { test, work } from '../support';

// A slow file of the default mode: its tests run in order in one worker, so it is one unit.
test('renders the sales report', async ({ api }) => {
  await work(api, '/admin/reports/sales', 700);
});
test('exports the stock report', async ({ api }) => {
  await work(api, '/admin/reports/stock', 600);
});
test('emails the weekly digest', async ({ api }) => {
  await work(api, '/admin/reports/digest', 500);
});
