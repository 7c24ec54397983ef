// The tools the framework examples share: a lookup, a dependent query, and a destructive write.
import { z } from 'zod';
import { defineTool } from 'toolgraph';

/** Tools that record what ran into `log`. */
export function shopTools(log = []) {
  return {
    getUser: defineTool({
      name: 'get_user',
      description: 'The customer of an order.',
      input: z.object({ order: z.number().int() }),
      effects: { readOnly: true },
      execute: ({ order }) => (log.push(`get_user(${order})`), { id: `u${order}`, age: 41 }),
    }),
    getOrders: defineTool({
      name: 'get_orders',
      description: 'Orders of customers at least this old.',
      input: z.object({ minAge: z.number() }),
      effects: { readOnly: true },
      execute: ({ minAge }) => (log.push(`get_orders(${minAge})`), [{ order: 7, total: 30 }]),
    }),
    deleteUser: defineTool({
      name: 'delete_user',
      description: 'Deletes a customer.',
      input: z.object({ id: z.string() }),
      effects: { destructive: true },
      execute: ({ id }) => (log.push(`delete_user(${id})`), `deleted ${id}`),
    }),
  };
}
