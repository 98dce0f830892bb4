/* The notes requests and verify give about local decision branches that are
 * no decision in progress (決裁, DESIGN V12); the check is core's
 * (itk_kessai_branches_check). */
#include "cli.h"
#include "i18n.h"

#include <stdio.h>
#include <string.h>

void cli_kessai_strays(itk_kessai_stray **out, size_t *n, itk_registry *reg)
{
    itk_kessai_stray *s = NULL;
    size_t ns = 0;
    if (out)
        *out = NULL;
    if (n)
        *n = 0;
    if (itk_kessai_branches_check(&s, &ns, reg) < 0) {
        fprintf(stderr, _("itaku: note: the decision branches could not be checked: %s\n"),
                cli_error_text());
        itk_error_clear();
        return;
    }
    for (size_t i = 0; i < ns; i++) {
        const char *branch = s[i].ref + strlen("refs/heads/");
        fprintf(stderr,
                _("itaku: note: %s is no decision in progress, and nothing is decided on it: %s. "
                  "If it was made or moved with plain git, delete it (git branch -D %s); if its "
                  "draft was made on a main this clone lacks, bring main up to date (itaku "
                  "pull), or fetch the city's decision branches again (itaku fetch)\n"),
                cli_safe(branch), cli_safe_block(s[i].message, "  "), cli_safe(branch));
    }
    if (out) {
        *out = s;
        *n = ns;
    } else
        itk_kessai_strays_free(s, ns);
}
