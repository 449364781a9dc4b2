/* What every pane shares (see pane.h): freeing one, and building the
 * actions their keys return to the app. */
#include "tui/pane.h"

void pane_free(struct pane *pane)
{
    if (pane != NULL)
        pane->ops->free(pane);
}

struct pane_action pane_action(enum pane_action_kind kind)
{
    return (struct pane_action){ .kind = kind };
}
