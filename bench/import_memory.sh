#!/usr/bin/env bash
# Peak memory of the large imports (bench scenario 'import-memory'): generates a GIFT file and a
# user CSV file of MB megabytes each (default 50: about 315,000 questions and 300,000 people),
# then runs, each against a fresh data directory and under /usr/bin/time -v,
#   lectern question import --dry-run, lectern question import,
#   lectern user import --dry-run, lectern user import
# and prints one table row per run: wall time and peak RSS (the kernel's maximum resident set
# size of the process). The target is under 300 MB for every row at 50 MB; the numbers are
# absolute (no nginx yardstick: nothing here is served over HTTP). Uses the release build.
# Results: docs/bench.md, "Imports of large files (import-memory)".
#   bench/import_memory.sh [MB]
set -euo pipefail
cd "$(dirname "$0")/.."
mb=${1:-50}
bin=${LECTERN_BIN:-build/lectern}
[ -n "${LECTERN_BIN:-}" ] || make -s "$bin"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Questions of five types, about 200 bytes each, a $CATEGORY: line every 1,000.
awk -v mb="$mb" 'BEGIN {
  n = 0; bytes = 0; target = mb * 1000000;
  while (bytes < target) {
    n++;
    if (n % 1000 == 1) { s = sprintf("$CATEGORY: $course$/top/Bench/Part %d\n\n", int(n / 1000) + 1); printf "%s", s; bytes += length(s) }
    k = n % 5;
    if (k == 0) s = sprintf("// [id:Q%07d] [tag:bench]\n::Q%07d single::Which number follows %d when counting by ones? {=%d#Right, it is the next one. ~%d#No, that one comes before. ~%d#No, that is two further. ~%d#No.}\n\n", n, n, n, n + 1, n - 1, n + 2, n + 3);
    else if (k == 1) s = sprintf("::Q%07d tf::The number %d is even, as anyone who divides it by two will find. {%s#Check the last digit.####Even numbers end in 0, 2, 4, 6 or 8.}\n\n", n, n, n % 2 ? "F" : "T");
    else if (k == 2) s = sprintf("::Q%07d num::What is %d plus %d, written as a whole number without separators? {#%d:0.5#Add the units first, then the tens.}\n\n", n, n, 17, n + 17);
    else if (k == 3) s = sprintf("::Q%07d short::Type the word that names the colour of a clear daytime sky over the sea. {=blue#Right. =azure#Also right. =%%50%%cyan#Nearly.}\n\n", n);
    else s = sprintf("::Q%07d match::Match each country with its capital city, as written in English. {=Portugal -> Lisbon =France -> Paris =Spain -> Madrid =Italy -> Rome}\n\n", n);
    printf "%s", s; bytes += length(s);
  }
  printf "%d\n", n > "/dev/stderr";
}' > "$work/questions.gift" 2> "$work/questions.n"

# People of about 200 bytes a row, each reporting to a team lead (one per 50) who reports to
# the first person; departments and job roles by name.
awk -v mb="$mb" 'BEGIN {
  printf "username,firstname,lastname,email,idnumber,institution,department,city,country,lang,timezone,phone1,job_role,manager\n";
  split("Ana Ben Chloé Dev Emma Finn Greta Hugo Ines Jon", F, " ");
  split("Silva-Pereira Brown-Smith Mueller-Lang Patel-Shah Rossi-Conti Kim-Park Novak-Horvat Dubois-Martin Haddad-Aziz Berg-Olsen", L, " ");
  rows = mb * 6000;
  for (i = 1; i <= rows; i++) {
    u = sprintf("u%07d", i);
    mgr = (i == 1) ? "" : (i % 50 == 1 ? "u0000001" : sprintf("u%07d", int((i - 1) / 50) * 50 + 1));
    printf "%s,%s,%s,%s.%s@training.example.com,EMP-%07d,Lectern Bench Training Academy,%s,Lisbon,PT,pt,Europe/Lisbon,+351 21 000 %04d,%s,%s\n",
      u, F[i % 10 + 1], L[int(i / 10) % 10 + 1], u, tolower(L[int(i / 10) % 10 + 1]), i, (i % 3 ? "Sales" : "Operations"), i % 10000,
      (i % 50 == 1 ? "Team lead" : "Agent"), mgr;
  }
  printf "%d\n", rows > "/dev/stderr";
}' > "$work/people.csv" 2> "$work/people.n"

fresh() { # fresh DIR: a new data directory with the course and the organisation the files name
  "$bin" --data "$1" init >/dev/null 2>&1
  sqlite3 "$1/lectern.db" "INSERT INTO departments (name, idnumber, created_at, updated_at) VALUES ('Operations', 'OPS', 0, 0), ('Sales', NULL, 0, 0);
    INSERT INTO job_roles (name, created_at, updated_at) VALUES ('Agent', 0, 0), ('Team lead', 0, 0);"
  printf 'shortname,fullname,category\nBENCH-MEM,Memory bench,Bench\n' > "$work/course.csv"
  "$bin" --data "$1" course import "$work/course.csv" >/dev/null
}

run() { # run LABEL FILE_SIZE_FILE COMMAND...: one table row
  local label=$1 file=$2; shift 2
  /usr/bin/time -v -o "$work/time" "$@" > "$work/out" 2>&1 || true
  local kb wall status
  kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time")
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$work/time")
  status=$(awk -F': ' '/Exit status/ {print $2}' "$work/time")
  printf '| %s | %s MB | %s | %s | %.1f |\n' "$label" "$(echo "scale=1; $(stat -c %s "$file") / 1000000" | bc)" \
    "$wall" "$status" "$(echo "scale=1; $kb / 1024" | bc)"
  tail -n 3 "$work/out" | sed 's/^/    /' >&2
}

echo "import-memory: $(cat "$work/questions.n") questions, $(cat "$work/people.n") people; $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo '| run | file | wall (m:ss) | exit | peak RSS MiB |'
echo '|---|---:|---:|---:|---:|'
fresh "$work/q"
run 'lectern question import --dry-run' "$work/questions.gift" "$bin" --data "$work/q" question import BENCH-MEM "$work/questions.gift" --dry-run
run 'lectern question import' "$work/questions.gift" "$bin" --data "$work/q" question import BENCH-MEM "$work/questions.gift"
fresh "$work/u"
run 'lectern user import --dry-run' "$work/people.csv" "$bin" --data "$work/u" user import "$work/people.csv" --dry-run --quiet
run 'lectern user import' "$work/people.csv" "$bin" --data "$work/u" user import "$work/people.csv" --quiet
