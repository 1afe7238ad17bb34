-- 0025_signin_throttle: sign-in throttling counts recent failures per client address and, for
-- names that are no account, per name typed (src/model/people/auth.c); both counts read only
-- the last minutes or day of attempts through these indexes, on every node of a cluster.
CREATE INDEX signin_attempts_by_ip ON signin_attempts (ip, at);
CREATE INDEX signin_attempts_unknown_by_name ON signin_attempts (username, at) WHERE user_id IS NULL;
