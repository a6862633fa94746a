// Package share decides who may see a record of the relief operation and
// strips what the public must never see.
//
// Every record (a request for assistance, an offer, a building, a team, a
// message) carries a Visibility chosen by the organisation that owns it:
//
//   - public: anyone, including an anonymous visitor of the public map;
//   - parties: every organisation that is a party to the incident (the
//     affected state and the states and agencies assisting it), as listed in
//     a Policy;
//   - org: the owning organisation only.
//
// The rules are deliberately few and fail closed: an empty or unknown
// visibility is treated as org; a viewer with no organisation, with the
// observer role or an unknown role, or acting for an organisation that is
// not a party, sees what the public sees (Policy.Public); and no role (not
// even coordinator) lifts the org restriction of another organisation's
// record — coordinators coordinate what the parties share, not what they
// keep. The decision table is in CanSee's doc comment and is tested row by
// row.
//
// Locations of trapped persons never reach a public view: the Trapped type
// carries them with a Public method that drops them, and RedactJSON removes
// them from any JSON document (GeoJSON layers, the live stream) on its way to
// a public viewer. The INSARAG Guidelines 2020 (vol. II, manual B, worksite
// triage and marking) treat victim locations as operational information for
// the USAR teams, not for publication; struna follows that.
//
// The package does no I/O and keeps no state.
package share

import (
	"slices"
)

// Visibility is who may see a record.
type Visibility string

// The three visibilities, from widest to narrowest.
const (
	Public  Visibility = "public"
	Parties Visibility = "parties"
	Org     Visibility = "org"
)

// Valid reports whether v is one of the three visibilities. The empty value
// is not valid for a record being created; readers treat it as Org.
func (v Visibility) Valid() bool {
	return v == Public || v == Parties || v == Org
}

// Role is what a viewer is allowed to do in its organisation.
type Role string

// Roles. The zero Role with no Org is an anonymous visitor.
const (
	Anonymous   Role = ""            // not signed in
	Observer    Role = "observer"    // signed in, not acting for a party (press, public bodies): sees what the public sees
	Member      Role = "member"      // acts for its organisation
	Coordinator Role = "coordinator" // coordination cell; same visibility as a member
)

// Viewer is who is looking. The zero Viewer is the anonymous public.
type Viewer struct {
	Org  string `json:"org,omitempty"`
	Role Role   `json:"role,omitempty"`
}

// acting reports whether v acts for its organisation (member or
// coordinator with an organisation).
func (v Viewer) acting() bool {
	return v.Org != "" && (v.Role == Member || v.Role == Coordinator)
}

// Policy lists the organisations that are parties to the incident.
type Policy struct {
	Parties []string `json:"parties"`
}

// IsParty reports whether org is a party to the incident.
func (p Policy) IsParty(org string) bool {
	return org != "" && slices.Contains(p.Parties, org)
}

// Public reports whether v sees the operation as the public does: v is
// anonymous, an observer, has an unknown role, or acts for an organisation
// that is not a party to the incident. Everything shown to such a viewer
// passes through the public redaction (no trapped persons).
func (p Policy) Public(v Viewer) bool { return !v.acting() || !p.IsParty(v.Org) }

// CanSee reports whether viewer v may see a record owned by organisation
// owner with visibility vis:
//
//	visibility  anonymous/observer  member or coordinator of...
//	                                owner    other party   non-party org
//	public      yes                 yes      yes           yes
//	parties     no                  yes*     yes           no
//	org         no                  yes      no            no
//	"" / other  treated as org
//
// (*) the owner sees its own record even if the policy forgot to list it as
// a party. A record with no owner and visibility org is seen by no one but
// is still public if marked public.
func (p Policy) CanSee(v Viewer, owner string, vis Visibility) bool {
	switch vis {
	case Public:
		return true
	case Parties:
		if !v.acting() {
			return false
		}
		return v.Org == owner || p.IsParty(v.Org)
	default: // Org, empty or unknown: fail closed
		return v.acting() && owner != "" && v.Org == owner
	}
}

// Record is anything with an owning organisation and a visibility.
type Record interface {
	Access() (owner string, vis Visibility)
}

// Filter returns the records of recs that v may see, in their order. When
// p.Public(v), each kept record is passed through public (if not nil) so that
// it can drop what the public must not see, such as trapped-person
// locations. recs is not modified.
func Filter[T Record](p Policy, v Viewer, recs []T, public func(T) T) []T {
	out := make([]T, 0, len(recs))
	for _, r := range recs {
		owner, vis := r.Access()
		if !p.CanSee(v, owner, vis) {
			continue
		}
		if public != nil && p.Public(v) {
			r = public(r)
		}
		out = append(out, r)
	}
	return out
}

// Point is a WGS 84 position.
type Point struct {
	Lat float64 `json:"lat"`
	Lon float64 `json:"lon"`
}

// Trapped is what is known of persons trapped in a building or worksite.
// The hub stores it with the building; it is never shown to the public,
// not even as a count, because a count attached to a building on a public
// map is the location of trapped persons.
type Trapped struct {
	Count     int     `json:"count"`
	Locations []Point `json:"locations,omitempty"` // within the structure, if known
	Note      string  `json:"note,omitempty"`
}

// Public returns what of t the public may see: nothing.
func (t Trapped) Public() Trapped { return Trapped{} }

// Known reports whether t records any trapped person.
func (t Trapped) Known() bool { return t.Count > 0 || len(t.Locations) > 0 || t.Note != "" }
