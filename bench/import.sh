#!/usr/bin/env bash
# Times `lectern user import` on generated files (issue 4's scale target): 100,000 new people
# without passwords (under 10 s), the same file again (nothing changes), every account updated,
# the export, and a smaller file with passwords, whose argon2id hashing runs on every core.
# Uses the release build. Results: docs/people.md, "Scale".
#   bench/import.sh [ROWS] [PASSWORD_ROWS]      (defaults 100000 and 500)
# With LECTERN_DB set (a PostgreSQL URL) it runs there instead of a fresh SQLite directory.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-100000}
pw_rows=${2:-500}
bin=build/lectern
make -s "$bin"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
data="$work/data"
"$bin" --data "$data" init >/dev/null

# Departments and job roles the file refers to, and one manager per 50 people (a two-level
# reporting line: everyone reports to a team lead who reports to the first person).
gen() { # gen FILE ROWS WITH_PASSWORDS PREFIX
  awk -v rows="$2" -v pw="$3" -v pre="$4" 'BEGIN {
    srand(42);
    printf "username,firstname,lastname,email,idnumber,department,city,country,lang,timezone,phone1,job_role,manager%s\n", pw ? ",password" : "";
    split("Ana Ben Chloé Dev Emma Finn Greta Hugo Ines Jon", F, " ");
    split("Silva Brown Müller Patel Rossi Kim Novak Dubois Haddad Berg", L, " ");
    for (i = 1; i <= rows; i++) {
      u = sprintf("%s%06d", pre, i);
      mgr = (i == 1) ? "" : (i % 50 == 1 ? sprintf("%s%06d", pre, 1) : sprintf("%s%06d", pre, int((i - 1) / 50) * 50 + 1));
      printf "%s,%s,%s,%s@example.com,%s-%06d,%s,Lisbon,PT,pt,Europe/Lisbon,+351 21 000 %04d,%s,%s",
        u, F[i % 10 + 1], L[int(i / 10) % 10 + 1], u, toupper(pre), i, (i % 3 ? "Sales" : "OPS"), i % 10000,
        (i % 50 == 1 ? "Team lead" : "Agent"), mgr;
      if (pw) printf ",Bench-Pass-%06d-xyz", i;
      printf "\n";
    }
  }' > "$1"
}
gen "$work/people.csv" "$rows" 0 u
gen "$work/passwords.csv" "$pw_rows" 1 p
# The organisation comes first (departments are referred to by idnumber and by name).
db="$data/lectern.db"
if [ -z "${LECTERN_DB:-}" ]; then
  sqlite3 "$db" "INSERT INTO departments (name, idnumber, created_at, updated_at) VALUES ('Operations', 'OPS', 0, 0), ('Sales', NULL, 0, 0);
                 INSERT INTO job_roles (name, created_at, updated_at) VALUES ('Agent', 0, 0), ('Team lead', 0, 0);"
else
  psql -X -q "$LECTERN_DB" -c "INSERT INTO departments (name, idnumber, created_at, updated_at) VALUES ('Operations', 'OPS', 0, 0), ('Sales', NULL, 0, 0);
                 INSERT INTO job_roles (name, created_at, updated_at) VALUES ('Agent', 0, 0), ('Team lead', 0, 0);"
fi

echo "== $rows rows without passwords ($(du -h "$work/people.csv" | cut -f1))"
s=$(date +%s.%N); "$bin" --data "$data" user import "$work/people.csv" --quiet | tail -1; e=$(date +%s.%N)
echo "first import: $(echo "$e - $s" | bc) s"
s=$(date +%s.%N); "$bin" --data "$data" user import "$work/people.csv" --quiet | tail -2 | head -1; e=$(date +%s.%N)
echo "same file again (nothing changes): $(echo "$e - $s" | bc) s"
sed 's/,Lisbon,/,Porto,/' "$work/people.csv" > "$work/moved.csv"
s=$(date +%s.%N); "$bin" --data "$data" user import "$work/moved.csv" --mode update --quiet | tail -1; e=$(date +%s.%N)
echo "every account's city changed (mode update): $(echo "$e - $s" | bc) s"
s=$(date +%s.%N); "$bin" --data "$data" user export > "$work/export.csv"; e=$(date +%s.%N)
echo "export of $(($(wc -l < "$work/export.csv") - 1)) accounts: $(echo "$e - $s" | bc) s"

echo "== $pw_rows rows with passwords, hashed on $(nproc) cores"
s=$(date +%s.%N)
"$bin" --data "$data" user import "$work/passwords.csv" --json > "$work/passwords.json"
e=$(date +%s.%N)
hash_ms=$(python3 -c 'import json,sys; print(round(json.load(open(sys.argv[1]))["timing_ms"]["hash"]))' "$work/passwords.json")
el=$(echo "$e - $s" | bc)
echo "import with passwords: $el s in all, of which hashing $hash_ms ms ($(echo "scale=1; $pw_rows * 1000 / $hash_ms" | bc) passwords/s;" \
     "100,000 would take about $(echo "scale=0; 100000 * $hash_ms / $pw_rows / 60000" | bc) min)"
