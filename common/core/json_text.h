/*
 * Kept only so that files not yet switched to json.h still build: the
 * text arrays are part of the JSON helper family there.  To be removed
 * once nothing includes it.
 */
#ifndef XW_JSON_TEXT_H
#define XW_JSON_TEXT_H

#include "core/json.h"

#endif /* XW_JSON_TEXT_H */
