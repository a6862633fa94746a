package hub

import (
	"io/fs"

	"github.com/struna/struna/hub/web"
)

// uiFS is the embedded web UI (package hub/web): index.html at its root,
// assets under static/.
func uiFS() fs.FS { return web.FS() }
