// Shims for the test environments. Nothing in the suite may reach a real host.
process.env.FACEID_TEST = '1';
