// Package web is the struna hub's browser UI (DESIGN §3): a live map of
// buildings by ATC-20 placard with safe areas and hazard zones, the
// building page with its assessment reports, and the worksite board with
// leases. It is a small TypeScript application (src/) bundled with
// esbuild into dist/, which is committed and embedded here, so building
// the hub needs no Node; `sh hub/web/build.sh` rebuilds it.
//
// The UI talks only to the hub's /api/v1 (relative URLs, so it also works
// behind a path prefix) with `Authorization: Bearer <token>`; the one
// exception is the live stream GET /api/v1/events, where EventSource
// cannot send headers and the token travels as ?access_token=. Nothing is
// fetched from elsewhere at run time except map tiles, and only when the
// operator configures a tile URL (GET /api/v1/config).
package web

import (
	"embed"
	"io/fs"
)

//go:embed dist
var dist embed.FS

// FS returns the UI's files: index.html at the root and its assets under
// static/. Serve it at "/" (for example with http.FileServerFS); the page
// refers to its assets and to the API by relative URLs.
func FS() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil { // cannot happen: "dist" is a valid, embedded directory
		return dist
	}
	return sub
}
