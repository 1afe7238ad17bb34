// The load scenarios of `make bench`, one row each. A later issue adds its scenario as a row
// here (and, if it needs data, a step in src/cli/bench_data.c); a row with `pending` is shown
// in the table as not built yet.
//
// Fields:
//   id, name       short key and the table's wording
//   path           the URL path Lectern is asked for (wrk's target)
//   paths          instead of path: several, one picked at random per request
//   tokens         'learner' or 'admin': sign in with a random session from that pool
//   auth           'cookie' (pages) or 'bearer' (API)
//   route          [method, pattern] as /metrics labels it: queries per request and status
//                  counts are read from Lectern's own counters for it
//   target         the targets for this row: { size, minRps, maxP99Ms, maxQueries,
//                  minRatio } (size: the dataset the target is stated for; absent = any)
//   pending        text shown instead of numbers (not built yet)

/** Words the users list search looks for: common parts of generated names and addresses. */
export const SEARCH_TERMS = ['smith', 'olivia', 'garc', 'lee', 'example.org', 'kowalski', 'zoe', 'an'];

export const scenarios = [
  {
    id: 'static', name: "Lectern's static asset (GET /static/lectern.css)",
    path: '/static/lectern.css', route: ['GET', '/static/*'],
    target: { minRatio: 0.8 },
  },
  {
    id: 'signin', name: 'sign-in page (GET /signin)',
    path: '/signin', route: ['GET', '/signin'],
  },
  {
    id: 'dashboard', name: 'learner dashboard, random learners (GET /)',
    path: '/', tokens: 'learner', auth: 'cookie', route: ['GET', '/'],
    target: { size: 'L', minRps: 10000, maxP99Ms: 20, maxQueries: 5, minRatio: 0.15 },
  },
  {
    id: 'dashboard-json', name: 'learner dashboard, JSON (GET /api/v1/dashboard)',
    path: '/api/v1/dashboard', tokens: 'learner', auth: 'bearer', route: ['GET', '/api/v1/dashboard'],
  },
  {
    id: 'course', name: 'course page',
    pending: 'not yet built (issue 5)',
    target: { size: 'L', minRps: 10000, maxP99Ms: 20, maxQueries: 5, minRatio: 0.15 },
  },
  { id: 'catalogue', name: 'catalogue search', pending: 'not yet built (issue 5)' },
  {
    id: 'users', name: 'administrator: users list, page 1 (GET /admin/users)',
    path: '/admin/users', tokens: 'admin', auth: 'cookie', route: ['GET', '/admin/users'],
  },
  {
    id: 'users-search', name: 'administrator: users search (GET /admin/users?q=...)',
    paths: SEARCH_TERMS.map((q) => `/admin/users?q=${encodeURIComponent(q)}`),
    tokens: 'admin', auth: 'cookie', route: ['GET', '/admin/users'],
  },
  {
    id: 'users-search-json', name: 'administrator: users search, JSON (GET /api/v1/users?q=...)',
    paths: SEARCH_TERMS.map((q) => `/api/v1/users?q=${encodeURIComponent(q)}`),
    tokens: 'admin', auth: 'bearer', route: ['GET', '/api/v1/users'],
  },
];

/** Targets that are not tied to one scenario. */
export const processTargets = { size: 'L', maxPeakRssMiB: 200 };
