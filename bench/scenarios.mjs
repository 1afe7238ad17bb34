// The load scenarios of `make bench`, one row each. A later issue adds its scenario as a row
// here (and, if it needs data, a step in src/cli/bench_data.c); a row with `pending` is shown
// in the table as not built yet.
//
// Fields:
//   id, name       short key and the table's wording
//   path           the URL path Lectern is asked for (wrk's target)
//   paths          instead of path: several, one picked at random per request
//   pairs, pattern instead of tokens and path: pairs 'learner' reads DIR/learner.courses
//                  ("TOKEN CODE" lines, the courses each pooled learner is enrolled in) and
//                  every request takes a random line: that session, pattern with %s = CODE
//   pairsFile      with pairs: another file of such lines in DIR (learner.sessions: "TOKEN
//                  CODE/sessions/ID", the session pages of each pooled learner's courses)
//   pathsFromPairs instead of paths: the distinct paths of such a pairs file (pattern with %s =
//                  its second column), asked for by another pool (tokens)
//   feeds          instead of path and tokens: the first feedPeople of DIR/<feeds>.tokens each
//                  make their calendar feed (POST /api/v1/me/calendar/feed) before the rounds, and
//                  every request asks for one of those feeds, with no session
//   tokens         'learner', 'admin' or another pool of DIR/<pool>.tokens ('calendar'): sign in
//                  with a random session from that pool
//   auth           'cookie' (pages) or 'bearer' (API)
//   route          [method, pattern] as /metrics labels it: queries per request and status
//                  counts are read from Lectern's own counters for it
//   target         the targets for this row: { size, minRps, maxP99Ms, maxQueries,
//                  minRatio } (size: the dataset the target is stated for; absent = any)
//   around         what is set up for the row: 'announcements' publishes three live ones before
//                  each run (ended after it); 'requests' fills the administrators' queue to 100
//                  open requests and 'docs' writes the process documents the row reads, both
//                  once before the first request (kept for every round)
//   forum          'thread', 'list' or 'move': bench/forum.mjs fills the site forum before the
//                  rounds (30 threads and one of 200 posts) and the row's paths are that
//                  thread's four pages, the forum's page, or the thread's move page
//   pending        text shown instead of numbers (not built yet)
//   driver         instead of wrk: 'quiz-burst' runs bench/quiz_burst.mjs once per round (the
//                  learners of the burst course start one quiz within spreadS seconds, and each
//                  saves every answer; the smoke run takes smokeLearners of them over smokeSpreadS
//                  seconds); it gives the table two rows,
//                  the attempt start and the answer save, and a section of its own with p95
//                  'import-load' runs bench/import_load.mjs once per round (a user import of
//                  importRows(size) rows commits while `workers` loops sign in and save an
//                  answer); it gives two rows, sign-in and answer save, each with its ratio to
//                  the nginx run just before it
//                  'signup-burst' runs bench/signup_burst.mjs once per round: an administrator
//                  plans `events` new events of `seats` seats in SIGNUP's session, then its
//                  learners book them within spreadS seconds (on PostgreSQL through two nodes);
//                  the smoke run takes smokeLearners over smokeEvents events in smokeSpreadS
//                  seconds; one row, with p95 in the notes and the targets
//   probe          for a driver: [method, path pattern] asked once before the rounds, which must
//                  answer 200 or 201

/** Words the users list search looks for: common parts of generated names and addresses. */
/** Words the catalogue search looks for: topics and keywords of the generated courses
 *  (src/cli/bench_data.c), some matching many courses, some few, one none. */
export const CATALOGUE_TERMS = ['safety', 'data', 'leadership', 'python', 'customer complaints',
  'excel', 'introduction', 'negotiation', 'wellbeing', 'kubernetes'];

export const SEARCH_TERMS = ['smith', 'olivia', 'garc', 'lee', 'example.org', 'kowalski', 'zoe', 'an'];

/** Views of the users list an administrator works with: filters, sorts, page sizes, later pages. */
export const USER_LIST_VIEWS = ['role=learner&status=active&sort=last_signin&dir=desc', 'status=suspended',
  'role=manager&sort=email', 'sort=created&dir=desc&per_page=100', 'status=locked', 'sort=name&page=40',
  'role=instructor&q=smith', 'sort=department&per_page=50&page=3'];

/** The audit log's newest page and pages filtered by action family, action and date. */
export const AUDIT_VIEWS = ['', '?action=auth', '?action=user.create', '?from=2020-01-01&limit=100', '?target=bench.admin1'];

/** The schedule unfiltered, for one programme or certification, and other spans of weeks. */
export const SCHEDULE_VIEWS = ['', '?programme=BENCH-P01', '?programme=BENCH-C03', '?programme=BENCH-P07&weeks=12', '?weeks=2'];

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
    // Three site-wide announcements are published just before this row's run and ended after
    // it (bench/announcements.mjs); the notes compare it with the row above.
    id: 'dashboard-announcements', name: 'learner dashboard with three live announcements (GET /)',
    path: '/', tokens: 'learner', auth: 'cookie', route: ['GET', '/'], around: 'announcements',
    target: { size: 'L', maxQueries: 6, minRatio: 0.15 },
  },
  {
    // Issue 18: the learner's programmes and certifications (about two each in the dataset),
    // to the dashboard's budget.
    id: 'my-plan', name: 'learner: My plan, random learners (GET /plan)',
    path: '/plan', tokens: 'learner', auth: 'cookie', route: ['GET', '/plan'],
    target: { size: 'L', maxQueries: 5, minRatio: 0.15 },
  },
  {
    id: 'dashboard-json', name: 'learner dashboard, JSON (GET /api/v1/dashboard)',
    path: '/api/v1/dashboard', tokens: 'learner', auth: 'bearer', route: ['GET', '/api/v1/dashboard'],
  },
  {
    id: 'course', name: 'course page, random learners on their courses (GET /courses/CODE)',
    pairs: 'learner', pattern: '/courses/%s', auth: 'cookie', route: ['GET', '/courses/{course:str}'],
    target: { size: 'L', minRps: 10000, maxP99Ms: 20, maxQueries: 5, minRatio: 0.15 },
  },
  {
    id: 'course-json', name: 'course page, JSON (GET /api/v1/courses/CODE)',
    pairs: 'learner', pattern: '/api/v1/courses/%s', auth: 'bearer', route: ['GET', '/api/v1/courses/{course:str}'],
  },
  {
    id: 'catalogue', name: 'catalogue search (GET /courses?q=...)',
    paths: CATALOGUE_TERMS.map((q) => `/courses?q=${encodeURIComponent(q)}`),
    tokens: 'learner', auth: 'cookie', route: ['GET', '/courses'],
    target: { maxQueries: 5 },
  },
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
  {
    id: 'dashboard-admin', name: "administrator's dashboard: the site at a glance, recent activity in words (GET /)",
    path: '/', tokens: 'admin', auth: 'cookie', route: ['GET', '/'],
    target: { maxQueries: 5 },
  },
  {
    id: 'users-filtered', name: 'administrator: users list filtered and sorted (GET /admin/users?role=...&status=...&sort=...)',
    paths: USER_LIST_VIEWS.map((v) => `/admin/users?${v}`),
    tokens: 'admin', auth: 'cookie', route: ['GET', '/admin/users'],
    target: { maxQueries: 5 },
  },
  {
    id: 'audit', name: 'administrator: audit log, newest and filtered (GET /admin/audit?...)',
    paths: AUDIT_VIEWS.map((v) => `/admin/audit${v}`),
    tokens: 'admin', auth: 'cookie', route: ['GET', '/admin/audit'],
    target: { maxQueries: 5 },
  },
  {
    id: 'profile', name: "learner's own profile with their sessions (GET /profile)",
    path: '/profile', tokens: 'learner', auth: 'cookie', route: ['GET', '/profile'],
    target: { maxQueries: 5 },
  },
  {
    id: 'admin-courses', name: 'administrator: course list, drafts included, by enrolments (GET /admin/courses)',
    paths: ['/admin/courses', '/admin/courses?sort=enrolled&dir=desc', '/admin/courses?status=draft',
      '/admin/courses?q=safety&sort=completed&dir=desc'],
    tokens: 'admin', auth: 'cookie', route: ['GET', '/admin/courses'],
    target: { maxQueries: 5 },
  },
  {
    id: 'course-manage', name: 'administrator: course management overview (GET /courses/BURST/manage)',
    path: '/courses/BURST/manage', tokens: 'admin', auth: 'cookie', route: ['GET', '/courses/{course:str}/manage'],
    target: { maxQueries: 5 },
  },
  {
    id: 'session', name: 'session page of a course with events, random learners on their courses (GET /courses/CODE/sessions/ID)',
    pairs: 'learner', pairsFile: 'learner.sessions', pattern: '/courses/%s', auth: 'cookie',
    route: ['GET', '/courses/{course:str}/sessions/{id:int}'],
    target: { maxQueries: 5 },
  },
  {
    id: 'session-manager', name: "session page as a course's manager: every event's bookings (GET /courses/CODE/sessions/ID)",
    pathsFromPairs: 'learner.sessions', pattern: '/courses/%s', tokens: 'admin', auth: 'cookie',
    route: ['GET', '/courses/{course:str}/sessions/{id:int}'],
    target: { maxQueries: 5 },
  },
  {
    id: 'calendar', name: "learner's calendar month with 20 bookings (GET /calendar?view=month&date=...)",
    pairs: 'calendar', pairsFile: 'calendar.month', pattern: '/calendar?view=month&date=%s', auth: 'cookie',
    route: ['GET', '/calendar'],
    target: { maxQueries: 5 },
  },
  {
    id: 'feed', name: 'personal calendar feed with 20 bookings (GET /calendar/feed/TOKEN.ics)',
    feeds: 'calendar', feedPeople: 50, route: ['GET', '/calendar/feed/{token:str}'],
    target: { maxQueries: 5 },
  },
  {
    // The generated data gives learners no notifications: the page's fixed cost (the list and
    // its unread count), and the bell every page carries, read with the session.
    id: 'notifications', name: "learner's notifications, newest first (GET /notifications)",
    path: '/notifications', tokens: 'learner', auth: 'cookie', route: ['GET', '/notifications'],
    target: { maxQueries: 5 },
  },
  {
    id: 'notification-preferences', name: 'how messages reach a learner, per type (GET /notifications/preferences)',
    path: '/notifications/preferences', tokens: 'learner', auth: 'cookie', route: ['GET', '/notifications/preferences'],
    target: { maxQueries: 5 },
  },
  {
    id: 'rooms', name: 'administrator: rooms register (GET /admin/rooms)',
    path: '/admin/rooms', tokens: 'admin', auth: 'cookie', route: ['GET', '/admin/rooms'],
    target: { maxQueries: 5 },
  },
  {
    id: 'record', name: "learner's own training record (GET /record)",
    path: '/record', tokens: 'learner', auth: 'cookie', route: ['GET', '/record'],
    target: { maxQueries: 5 },
  },
  {
    id: 'report-department', name: 'administrator: completion by department, every department with its subtree (GET /reports/builder?ready=completion-by-department)',
    path: '/reports/builder?ready=completion-by-department', tokens: 'admin', auth: 'cookie', route: ['GET', '/reports/builder'],
    target: { size: 'L', maxP99Ms: 200, maxQueries: 5 },
  },
  {
    id: 'report-course', name: 'administrator: completion by course (GET /reports/builder?ready=completion-by-course)',
    path: '/reports/builder?ready=completion-by-course', tokens: 'admin', auth: 'cookie', route: ['GET', '/reports/builder'],
    target: { size: 'L', maxP99Ms: 200, maxQueries: 5 },
  },
  {
    id: 'report-overdue', name: 'administrator: overdue, first page (GET /reports/builder?ready=overdue)',
    path: '/reports/builder?ready=overdue', tokens: 'admin', auth: 'cookie', route: ['GET', '/reports/builder'],
    target: { size: 'L', maxP99Ms: 200, maxQueries: 5 },
  },
  {
    id: 'announcements', name: "learner's announcements archive with three live announcements (GET /announcements)",
    path: '/announcements', tokens: 'learner', auth: 'cookie', route: ['GET', '/announcements'], around: 'announcements',
    target: { maxQueries: 5 },
  },
  {
    id: 'announcements-admin', name: 'administrator: announcements archive, the form and what they wrote, with counts (GET /announcements)',
    path: '/announcements', tokens: 'admin', auth: 'cookie', route: ['GET', '/announcements'], around: 'announcements',
    target: { maxQueries: 5 },
  },
  {
    id: 'approvals', name: 'administrator: bookings awaiting approval (GET /approvals)',
    path: '/approvals', tokens: 'admin', auth: 'cookie', route: ['GET', '/approvals'],
    target: { maxQueries: 5 },
  },
  {
    id: 'maintenance', name: 'administrator: maintenance windows (GET /admin/maintenance)',
    path: '/admin/maintenance', tokens: 'admin', auth: 'cookie', route: ['GET', '/admin/maintenance'],
    // The queue holds 100 open requests, filed before the row's first request (bench/requests.mjs).
    id: 'requests-queue', name: 'administrator: queue of 100 requests, soonest needed first (GET /requests)',
    path: '/requests', tokens: 'admin', auth: 'cookie', route: ['GET', '/requests'], around: 'requests',
    target: { maxQueries: 5 },
  },
  {
    // A checklist of 200 Markdown lines under a handbook, written before the row's first request
    // (bench/docs.mjs), read by random learners (its audience is everyone).
    id: 'doc-page', name: 'process document page, random learners (GET /docs/SLUG)',
    path: '/docs/bench-checklist', tokens: 'learner', auth: 'cookie', route: ['GET', '/docs/{slug:str}'], around: 'docs',
    target: { maxQueries: 5 },
  },
  {
    id: 'doc-tree', name: 'process documents: the tree of pages a learner may read (GET /docs)',
    path: '/docs', tokens: 'learner', auth: 'cookie', route: ['GET', '/docs'], around: 'docs',
    target: { maxQueries: 5 },
  },
  {
    id: 'doc-revisions', name: "process document's revisions, random learners (GET /docs/SLUG/revisions)",
    path: '/docs/bench-checklist/revisions', tokens: 'learner', auth: 'cookie',
    route: ['GET', '/docs/{slug:str}/revisions'], around: 'docs',
    id: 'thread', name: 'discussion thread of 200 posts, its four pages of 50, random learners (GET /threads/ID?page=N)',
    forum: 'thread', tokens: 'learner', auth: 'cookie', route: ['GET', '/threads/{id:int}'],
    target: { maxQueries: 5 },
  },
  {
    id: 'forum', name: 'site forum of 31 threads with unread counts, random learners (GET /forum)',
    forum: 'list', tokens: 'learner', auth: 'cookie', route: ['GET', '/forum'],
    target: { maxQueries: 5 },
  },
  {
    id: 'forum-search', name: 'discussions search, random learners (GET /forum/search?q=...)',
    paths: ['/forum/search?q=forks', '/forum/search?q=bench%20question', '/forum/search?q=chains&page=2',
      '/forum/search?q=guide&in=site', '/forum/search?q=kubernetes'],
    tokens: 'learner', auth: 'cookie', route: ['GET', '/forum/search'],
    target: { maxQueries: 5 },
  },
  {
    id: 'forum-reports', name: "administrator: the site forum's reported posts (GET /forum/reports)",
    path: '/forum/reports', tokens: 'admin', auth: 'cookie', route: ['GET', '/forum/reports'],
    target: { maxQueries: 5 },
  },
  {
    id: 'thread-move', name: "administrator: moving a thread, the forums to choose from (GET /threads/ID/move)",
    forum: 'move', tokens: 'admin', auth: 'cookie', route: ['GET', '/threads/{id:int}/move'],
    id: 'certificate-template', name: "administrator: a course's certificate template and certificates (GET /courses/CODE/certificate)",
    pathsFromPairs: 'certificate.course', pattern: '/courses/%s/certificate', tokens: 'admin', auth: 'cookie',
    route: ['GET', '/courses/{course:str}/certificate'],
    target: { maxQueries: 5 },
  },
  {
    id: 'verify', name: 'public certificate verification (GET /verify/CODE)',
    pathsFromPairs: 'certificates.codes', pattern: '/verify/%s', tokens: 'admin', auth: 'cookie',
    route: ['GET', '/verify/{code:str}'],
    target: { maxQueries: 5 },
  },
  {
    id: 'certificate-pdf', name: 'certificate PDF drawn on request, administrator (GET /certificates/CODE/pdf)',
    pathsFromPairs: 'certificates.codes', pattern: '/certificates/%s/pdf', tokens: 'admin', auth: 'cookie',
    route: ['GET', '/certificates/{code:str}/pdf'],
    target: { maxQueries: 5 },
  },
  {
    id: 'quiz-burst', name: 'quiz burst: the learners of BURST start one quiz within 10 s, 16 answers each',
    driver: 'quiz-burst', spreadS: 10, smokeSpreadS: 2, smokeLearners: 50,
    probe: ['POST', '/api/v1/courses/%s/quizzes/%d/attempts'],
    // Issue 6: no errors at all; the start must not scan the quiz's attempts (its p95 stays flat
    // as attempts pile up from run to run).
    target: { maxErrors: 0 },
  },
  {
    id: 'import-load', name: 'sign-in and answer save while a user import commits (10,000 rows at S, 30,000 at M, 100,000 at L)',
    driver: 'import-load', workers: 4,
    probe: ['POST', '/api/v1/courses/%s/quizzes/%d/attempts'],
    // No request may fail while the import's job writes (interactive writes go first).
    target: { maxErrors: 0 },
  },
  {
    id: 'signup-burst', name: 'sign-up burst: 1,000 learners of SIGNUP book 10 events of 30 seats within 5 s',
    driver: 'signup-burst', spreadS: 5, events: 10, seats: 30, smokeLearners: 100, smokeEvents: 2, smokeSpreadS: 1,
    // Exactly the seats booked on each event, the rest waitlisted 1..N in the order the server
    // took them, every learner told where they are, and no request failing.
    target: { maxErrors: 0 },
  },
  {
    id: 'programmes', name: 'administrator: programmes list, 30 with their sets and people (GET /admin/programmes)',
    path: '/admin/programmes', tokens: 'admin', auth: 'cookie', route: ['GET', '/admin/programmes'],
    target: { maxQueries: 5 },
  },
  {
    id: 'schedule', name: 'administrator: schedule, due week by week, overdue and expiring (GET /admin/schedule?...)',
    paths: SCHEDULE_VIEWS.map((v) => `/admin/schedule${v}`),
    tokens: 'admin', auth: 'cookie', route: ['GET', '/admin/schedule'],
    target: { maxQueries: 5 },
  },
  {
    // Run twice before the server starts (its workers would scan at start), in the process of
    // `lectern jobs run schedules.reminders`: the first queues what is due over every
    // assignment of the 30 programmes, the second must queue nothing.
    id: 'reminder-scan', name: "programmes' daily reminder scan over all assignments, run twice (lectern jobs run schedules.reminders)",
    driver: 'reminder-scan',
    target: { size: 'L', maxSeconds: 10 },
  },
  {
    // Last: its messages go on being sent by the job workers after the row. The smoke run
    // fans out to the small dataset's people.
    id: 'announcement-fanout', name: 'emailed announcement to everyone: all messages queued (POST /api/v1/announcements)',
    driver: 'announcement-fanout',
  },
];

/** Targets that are not tied to one scenario. */
export const processTargets = { size: 'L', maxPeakRssMiB: 200 };
