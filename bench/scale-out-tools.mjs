// The tool of the scale-out benchmark: sleeps args.ms (10–50) and returns it.
export default [
  {
    name: 'work',
    effects: { readOnly: true }, // no resource hazards, and not idempotent: no coalescing
    execute: ({ ms, i }, { signal }) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => resolve({ i, ms }), ms);
        signal.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason)), { once: true });
      }),
  },
];
