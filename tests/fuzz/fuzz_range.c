/* The Range header of a file download (video seeking): http_range_parse against bodies of
 * several sizes. A range it grants lies inside the body; anything else is 0 or -1. */
#include "../../src/http/http.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *header = fuzz_text(data, size);
    static const int64_t sizes[] = {0, 1, 2, 100, 1000000, INT64_MAX};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        int64_t start = -7, end = -7;
        int r = http_range_parse(header, sizes[i], &start, &end);
        if (r < -1 || r > 1) fuzz_fail("\"%s\": result %d", header, r);
        if (r == 1 && !(start >= 0 && start <= end && end < sizes[i]))
            fuzz_fail("\"%s\" on %lld bytes: [%lld, %lld] is not inside the body", header,
                      (long long)sizes[i], (long long)start, (long long)end);
    }
    free(header);
    return 0;
}
