// docs/protocols/saturn.md §2.4 (health, readiness, metrics, /auth/me, /auth/api-key)
import { requirePermission } from './auth.js';
import type { SaturnContext, SaturnRoute } from './router.js';

function me({ auth, runtime }: SaturnContext) {
  requirePermission(auth, 'users:read', runtime.rolePermissions);
  return { user_id: auth.user_id, role: auth.role, company_id: auth.company_id };
}

/** Health, readiness, metrics and the two identity routes. */
export const systemRoutes: SaturnRoute[] = [
  { method: 'GET', path: '/health', credential: 'none', handler: () => ({ status: 'ok' }) },
  { method: 'GET', path: '/ready', credential: 'none', handler: () => ({ status: 'ready' }) },
  {
    method: 'GET',
    path: '/metrics',
    credential: 'none',
    handler: ({ runtime }) => ({ ...runtime.metrics, avg_latency_ms: 0 }),
  },
  { method: 'GET', path: '/auth/me', credential: 'jwt', handler: me },
  {
    method: 'GET',
    path: '/auth/api-key',
    credential: 'api_key',
    handler: ({ auth }) => ({ company_id: auth.company_id, scopes: auth.scopes }),
  },
];
