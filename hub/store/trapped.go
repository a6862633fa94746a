package store

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/struna/struna/relief/share"
)

// Trapped is a report of persons trapped in a building, made by a field
// team. Its locations are operational information for the USAR teams
// (INSARAG Guidelines 2020, vol. II manual B): its visibility is parties
// or org, never public, and the hub never shows it to a public viewer.
type Trapped struct {
	ID         int64            `json:"id"`
	BuildingID string           `json:"building_id"`
	Count      int              `json:"count"`
	Locations  []TrappedPoint   `json:"locations"` // never null
	Org        string           `json:"org"`
	Visibility share.Visibility `json:"visibility"`
	Actor      string           `json:"actor"`
	Created    time.Time        `json:"created"`
}

// TrappedPoint is where in or near the building persons were located.
type TrappedPoint struct {
	Lat  float64 `json:"lat"`
	Lon  float64 `json:"lon"`
	Note string  `json:"note,omitempty"`
}

// Access implements share.Record.
func (t Trapped) Access() (string, share.Visibility) { return t.Org, t.Visibility }

// storedVisibility is the visibility a new record is stored with: "" is
// parties, anything but the three visibilities is ErrInvalid.
func storedVisibility(v share.Visibility) (share.Visibility, error) {
	if v == "" {
		return share.Parties, nil
	}
	if !v.Valid() {
		return v, errorf(ErrInvalid, "visibility: %q is not public, parties or org", v)
	}
	return v, nil
}

func (s *sqlStore) PutTrapped(ctx context.Context, a Actor, tr Trapped) (Trapped, error) {
	if tr.BuildingID == "" {
		return tr, errorf(ErrInvalid, "building_id: missing")
	}
	if tr.Count < 0 {
		return tr, errorf(ErrInvalid, "count: %d is negative", tr.Count)
	}
	vis, err := storedVisibility(tr.Visibility)
	if err != nil {
		return tr, err
	}
	if vis == share.Public {
		return tr, errorf(ErrInvalid, "visibility: trapped-person reports are never public (parties or org)")
	}
	if tr.Locations == nil {
		tr.Locations = []TrappedPoint{}
	}
	for i, p := range tr.Locations {
		if math.IsNaN(p.Lat) || math.IsNaN(p.Lon) || p.Lat < -90 || p.Lat > 90 || p.Lon < -180 || p.Lon > 180 {
			return tr, errorf(ErrInvalid, "locations[%d]: (%g, %g) is not a WGS 84 lat, lon", i, p.Lat, p.Lon)
		}
	}
	locs, err := json.Marshal(tr.Locations)
	if err != nil {
		return tr, errorf(ErrInvalid, "locations: %v", err)
	}
	tr.Visibility, tr.Org, tr.Actor, tr.Created = vis, a.Org, a.Name, s.clock()
	err = s.write(ctx, func(t tx) error {
		err := t.queryRow(ctx, `INSERT INTO trapped (building_id, persons, locations, org, visibility, actor, created_ns)
VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
			tr.BuildingID, int64(tr.Count), string(locs), tr.Org, string(tr.Visibility), tr.Actor, tr.Created.UnixNano()).Scan(&tr.ID)
		if err != nil {
			return err
		}
		return audit(ctx, t, a, tr.Created, "trapped.create", fmt.Sprintf("trapped/%d", tr.ID), nil, tr)
	})
	return tr, err
}

func (s *sqlStore) TrappedReports(ctx context.Context, buildingID string) ([]Trapped, error) {
	rs, err := s.b.query(ctx, `SELECT id, building_id, persons, locations, org, visibility, actor, created_ns FROM trapped
WHERE CAST($1 AS TEXT) = '' OR building_id = $1 ORDER BY id`, buildingID)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	out := []Trapped{}
	for rs.Next() {
		var (
			tr            Trapped
			persons, at   int64
			locs, visText string
		)
		if err := rs.Scan(&tr.ID, &tr.BuildingID, &persons, &locs, &tr.Org, &visText, &tr.Actor, &at); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(locs), &tr.Locations); err != nil {
			return nil, fmt.Errorf("trapped %d: locations: %w", tr.ID, err)
		}
		if tr.Locations == nil {
			tr.Locations = []TrappedPoint{}
		}
		tr.Count, tr.Visibility, tr.Created = int(persons), share.Visibility(visText), fromNS(at)
		out = append(out, tr)
	}
	return out, rs.Err()
}
