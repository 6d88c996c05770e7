package providers

import (
	"fmt"
	"strconv"
)

// maxCursorOffset bounds the offset any cursor may carry.
const maxCursorOffset = 10_000_000

// OffsetCursor is the cursor of an adapter whose provider pages by offset
// (Flowroute): the decimal offset of the next item. Callers treat every
// cursor as opaque.
func OffsetCursor(offset int) string { return strconv.Itoa(offset) }

// ParseOffsetCursor reads an OffsetCursor ("" = 0); anything else is
// CodeInvalidArgument.
func ParseOffsetCursor(provider, c string) (int, error) {
	if c == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(c)
	if err != nil || n < 0 || n > maxCursorOffset || strconv.Itoa(n) != c {
		return 0, &Error{Code: CodeInvalidArgument, Provider: provider, Reason: "INVALID_PAGE_TOKEN",
			Message: fmt.Sprintf("list cursor %q is not one %s issued", truncateID(c), provider)}
	}
	return n, nil
}
