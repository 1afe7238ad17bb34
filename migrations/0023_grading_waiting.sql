-- 0023_grading_waiting: the instructor's dashboard counts the essays waiting in the courses they
-- teach (grading_waiting_counts); the attempts with any (needs_grading > 0, only ever set on a
-- submitted attempt) are few, so they get an index of their own and the count never walks a
-- course's other attempts.
CREATE INDEX quiz_attempts_waiting ON quiz_attempts (quiz_id) WHERE needs_grading > 0;
