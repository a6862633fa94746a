package hub

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"strconv"
	"sync"

	"github.com/struna/struna/hub/store"
)

// buildingCache keeps the building list and its GeoJSON between changes:
// the map polls them, and reading 20 000 rows costs tens of milliseconds
// while checking the store's version costs well under one. The version is
// read before the rows, so a cached copy is never older than its version.
type buildingCache struct {
	mu      sync.Mutex // held while rebuilding: concurrent readers wait for one rebuild
	boot    string     // makes ETags from another process or database differ
	valid   bool
	version int64
	bs      []store.Building
	geojson []byte
}

func newBuildingCache() *buildingCache {
	var b [4]byte
	rand.Read(b[:])
	return &buildingCache{boot: hex.EncodeToString(b[:])}
}

// get returns the current buildings, their GeoJSON (built on first use)
// and an ETag for them.
func (c *buildingCache) get(ctx context.Context, st store.Store, withGeoJSON bool) ([]store.Building, []byte, string, error) {
	v, err := st.BuildingsVersion(ctx)
	if err != nil {
		return nil, nil, "", err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.valid || c.version != v {
		bs, err := st.Buildings(ctx)
		if err != nil {
			return nil, nil, "", err
		}
		c.valid, c.version, c.bs, c.geojson = true, v, bs, nil
	}
	if withGeoJSON && c.geojson == nil {
		c.geojson = buildingsGeoJSON(c.bs)
	}
	return c.bs, c.geojson, `"` + c.boot + "-" + strconv.FormatInt(c.version, 10) + `"`, nil
}

func (c *buildingCache) invalidate() {
	c.mu.Lock()
	c.valid = false
	c.mu.Unlock()
}
