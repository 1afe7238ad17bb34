/* Passwords: argon2id hashing through libsodium, the password policy and one-time passwords.
 *
 * Cost: OPSLIMIT_INTERACTIVE / MEMLIMIT_INTERACTIVE (2 passes over 64 MiB). The sensitive
 * limits would take seconds per sign-in; interactive keeps sign-in latency well under a second
 * while still costing an attacker 64 MiB per guess. password_needs_rehash() lets sign-in
 * upgrade stored hashes when these constants change. */
#include <string.h>
#include <strings.h>
#include <sodium.h>
#include "internal.h"

#define OPSLIMIT crypto_pwhash_OPSLIMIT_INTERACTIVE
#define MEMLIMIT crypto_pwhash_MEMLIMIT_INTERACTIVE

/* Passwords of at least PASSWORD_MIN_LEN characters that attackers try first (breach lists,
 * keyboard walks, "season + year"), lowercase; compared case-insensitively. Shorter ones are
 * already refused by the length rule. */
static const char *const common_passwords[] = {
    "123456789012", "1234567890123", "12345678901234", "123456789123", "123123123123",
    "111111111111", "000000000000", "121212121212", "123412341234", "147258369147", "987654321098",
    "098765432109", "112233445566", "123321123321", "123456123456", "1234567890qw",
    "1234567890qwe", "1234567890qwerty", "1q2w3e4r5t6y", "1q2w3e4r5t6y7u", "1qaz2wsx3edc",
    "1qaz2wsx3edc4rfv", "qazwsxedcrfv", "qazwsxedcrfvtgb", "zaq12wsxcde3", "zaq1xsw2cde3",
    "qwertyuiop12", "qwertyuiop123", "qwertyuiop1234", "qwertyuiopasdf", "qwertyuiopasdfgh",
    "qwertyuiop[]", "qwerty123456", "qwerty1234567", "qwerty123456789", "qwertyqwerty",
    "qwerty12345678", "asdfghjkl123", "asdfghjkl1234", "asdfghjkl;'\\", "asdfasdfasdf",
    "asdf1234asdf", "qwer1234qwer", "1234qwerasdf", "1234qwerasdfzxcv", "qweasdzxc123",
    "123qweasdzxc", "zxcvbnm12345", "zxcvbnm123456", "zxcvbnmasdfghjkl", "password1234",
    "password12345", "password123456", "password1234567", "password123456789", "passw0rd1234",
    "p@ssw0rd1234", "p@ssword1234", "passwordpassword", "password2020", "password2021",
    "password2022", "password2023", "password2024", "password2025", "password2026",
    "mypassword123", "mypassword1234", "iloveyou1234", "iloveyou12345", "iloveyouiloveyou",
    "welcome12345", "welcome123456", "welcome2023!", "welcome2024!", "welcome2025!",
    "letmein12345", "letmein123456", "letmeinletmein", "changeme1234", "changeme12345",
    "changemenow!", "administrator", "administrator1", "administrator123", "admin1234567",
    "admin123456789", "adminadmin123", "rootroot1234", "trustno1trustno1", "football1234",
    "football12345", "baseball1234", "basketball12", "basketball123", "superman1234",
    "superman12345", "batman123456", "spiderman123", "starwars1234", "pokemon12345",
    "sunshine1234", "princess1234", "monkey123456", "dragon123456", "shadow123456", "master123456",
    "michael12345", "jennifer1234", "jessica12345", "computer1234", "internet1234", "whatever1234",
    "liverpool123", "liverpool1234", "chelsea12345", "arsenal12345", "manchester12",
    "manchesterunited", "barcelona123", "realmadrid12", "juventus1234", "abcdefghijkl",
    "abcdefghijklm", "abcdefg12345", "abcdef123456", "abc123456789", "abc123abc123",
    "abcd1234abcd", "a1b2c3d4e5f6", "aaaaaaaaaaaa", "aaaaaa111111", "qqqqqqqqqqqq",
    "1111111111111", "summer2023!!", "summer2024!!", "summer2025!!", "winter2023!!",
    "winter2024!!", "winter2025!!", "spring2024!!", "spring2025!!", "autumn2024!!", "january2024!",
    "december2024", "helloworld12", "helloworld123", "hello1234567", "goodmorning1",
    "thankyou1234", "loveyou12345", "iloveyou4ever", "lovelovelove", "friends12345",
    "family123456", "freedom12345", "blessed12345", "jesus1234567", "jesuschrist1", "godisgood123",
    "christmas123", "chocolate123", "butterfly123", "sunflower123", "qwertzuiop12", "azertyuiop12",
    "azertyuiop123", "1234567890azerty", "motdepasse123", "passwort1234", "contrasena123",
    "senha1234567", "wachtwoord123", "salasana1234", "lectern12345", "lectern123456",
    "lecternadmin", "lectern2024!", "training1234", "training12345", "learning1234",
    "company12345", "employee1234", "welcome@1234", "welcome@123!", "admin@123456", "pass@1234567",
    "test12345678", "testtest1234", "test1234test", "demo12345678", "guest1234567", "user12345678",
    "student12345", "teacher12345", "school123456", "secret123456", "secretpassword",
    "letmein!1234", "password!!!!", "password123!", "password1234!", "password@123",
    "password#123", "passw0rd!234", "p4ssw0rd1234", "pa55w0rd1234", "pa$$w0rd1234", "12345678abcd",
    "123456789abc", "123456789qwe", "12345qwert12", "1234567890-=", "!@#$%^&*()_+", "!qaz2wsx3edc",
    "1qazxsw23edc", "!qaz@wsx#edc", "1qaz!qaz1qaz", "qwe123qwe123", "asd123asd123", "zxc123zxc123",
    "147852369123", "159753159753", "159357159357", "741852963741", "963852741963", "0987654321qw",
    "999999999999", "888888888888", "777777777777", "666666666666", "555555555555", "444444444444",
    "333333333333", "222222222222", "123654789123", "correcthorsebatterystaple",
};

static bool is_common(const char *password)
{
    for (size_t i = 0; i < sizeof common_passwords / sizeof common_passwords[0]; i++)
        if (strcasecmp(password, common_passwords[i]) == 0) return true;
    return false;
}

/* Characters (code points) in valid UTF-8. */
static size_t distinct_chars(const char *s)
{
    bool seen[256] = {false};
    size_t n = 0;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (!seen[c]) n++;
        seen[c] = true;
    }
    return n;
}

lerr password_check_policy(const char *password, const char *username, struct problem *p)
{
    if (!password || !*password) return problem_set(p, LE_INVALID, "password", "Enter a password.");
    size_t bytes = strlen(password);
    if (bytes > 4 * PASSWORD_MAX_LEN)
        return problem_set(p, LE_INVALID, "password", "Use at most %d characters.", PASSWORD_MAX_LEN);
    if (!utf8_valid(password, bytes))
        return problem_set(p, LE_INVALID, "password",
                           "The password contains bytes that are not valid text (UTF-8); type it again.");
    size_t n = utf8_chars(password);
    if (n < PASSWORD_MIN_LEN)
        return problem_set(p, LE_INVALID, "password",
                           "Use at least %d characters; this password has %zu. A few unrelated "
                           "words make a long password that is easy to remember.",
                           PASSWORD_MIN_LEN, n);
    if (n > PASSWORD_MAX_LEN)
        return problem_set(p, LE_INVALID, "password", "Use at most %d characters; this password has %zu.",
                           PASSWORD_MAX_LEN, n);
    if (username && *username) {
        if (strcasecmp(password, username) == 0)
            return problem_set(p, LE_INVALID, "password",
                               "The password must not be the username; choose something else.");
        /* Containment is checked from three characters on: a one- or two-letter username would
         * otherwise forbid most passwords. */
        if (strlen(username) >= 3 && strcasestr(password, username))
            return problem_set(p, LE_INVALID, "password",
                               "The password must not contain the username; choose something else.");
    }
    if (is_common(password))
        return problem_set(p, LE_INVALID, "password",
                           "This password is on the list of common passwords that attackers try "
                           "first; choose a less common one.");
    if (distinct_chars(password) < 3)
        return problem_set(p, LE_INVALID, "password",
                           "The password repeats one or two characters; use a mix of characters.");
    return LE_OK;
}

lerr password_hash(const char *password, char *out, size_t out_len)
{
    if (!password || out_len < crypto_pwhash_STRBYTES) return LE_INTERNAL;
    if (crypto_pwhash_str(out, password, strlen(password), OPSLIMIT, MEMLIMIT) != 0) {
        log_error("password: argon2id hashing failed (out of memory?)");
        return LE_NOMEM;
    }
    return LE_OK;
}

bool password_verify(const char *hash, const char *password)
{
    if (!hash || !password) return false;
    return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

bool password_needs_rehash(const char *hash)
{
    if (!hash) return true;
    return crypto_pwhash_str_needs_rehash(hash, OPSLIMIT, MEMLIMIT) != 0;
}

/* 16 characters from an alphabet without look-alikes (no i, l, o, 0, 1) in four groups:
 * "abcd-efgh-jkmn-pqrs", about 79 bits, easy to read out over the phone. */
void password_generate(char *out, size_t out_len)
{
    static const char alphabet[] = "abcdefghjkmnpqrstuvwxyz23456789";
    const uint32_t n = (uint32_t)(sizeof alphabet - 1);
    if (!out || out_len < 20) {
        if (out && out_len) out[0] = '\0';
        return;
    }
    size_t k = 0;
    for (int g = 0; g < 4; g++) {
        if (g) out[k++] = '-';
        for (int i = 0; i < 4; i++) out[k++] = alphabet[randombytes_uniform(n)];
    }
    out[k] = '\0';
}
