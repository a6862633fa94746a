package relief

import (
	"slices"
	"time"

	"github.com/struna/struna/relief/share"
)

// MessageType is an EDXL-RM 1.0 message type.
type MessageType string

// The EDXL-RM message types struna uses.
const (
	RequestResource                MessageType = "RequestResource"
	ResponseToRequestResource      MessageType = "ResponseToRequestResource"
	OfferUnsolicitedResource       MessageType = "OfferUnsolicitedResource"
	RequisitionResource            MessageType = "RequisitionResource"
	CommitResource                 MessageType = "CommitResource"
	ReportResourceDeploymentStatus MessageType = "ReportResourceDeploymentStatus"
	ReleaseResource                MessageType = "ReleaseResource"
)

// IsOffer reports whether t carries an offer.
func (t MessageType) IsOffer() bool {
	return t == ResponseToRequestResource || t == OfferUnsolicitedResource
}

// ResourceKind is what kind of resource is requested or offered.
type ResourceKind string

// Resource kinds.
const (
	USARTeam        ResourceKind = "usar_team"        // urban search and rescue team (INSARAG class)
	MedicalTeam     ResourceKind = "medical_team"     // emergency medical team (WHO EMT type in Type)
	DiagnosticsTeam ResourceKind = "diagnostics_team" // building diagnostics crew, e.g. with a mobile diagnostic complex
	Aircraft        ResourceKind = "aircraft"         // aircraft type in Type, capacity in Capacity
	Equipment       ResourceKind = "equipment"        // equipment type in Type, e.g. "mobile diagnostic complex"
	Supplies        ResourceKind = "supplies"         // relief items
	OtherKind       ResourceKind = "other"
)

var kinds = []ResourceKind{USARTeam, MedicalTeam, DiagnosticsTeam, Aircraft, Equipment, Supplies, OtherKind}

// Valid reports whether k is a known kind.
func (k ResourceKind) Valid() bool { return slices.Contains(kinds, k) }

// USARClass is an INSARAG classification (INSARAG Guidelines 2020).
type USARClass string

// INSARAG classes, from the smallest capacity.
const (
	Light  USARClass = "light"
	Medium USARClass = "medium"
	Heavy  USARClass = "heavy"
)

// Rank is 1, 2, 3 for light, medium, heavy and 0 otherwise.
func (c USARClass) Rank() int {
	switch c {
	case Light:
		return 1
	case Medium:
		return 2
	case Heavy:
		return 3
	}
	return 0
}

// Priority of a request.
type Priority string

// Priorities, most pressing first.
const (
	Urgent Priority = "urgent" // lives at stake within hours
	High   Priority = "high"
	Normal Priority = "normal"
	Low    Priority = "low"
)

// Rank is 4 for urgent down to 1 for low, 0 for anything else.
func (p Priority) Rank() int {
	switch p {
	case Urgent:
		return 4
	case High:
		return 3
	case Normal:
		return 2
	case Low:
		return 1
	}
	return 0
}

// Location is a WGS 84 point with its place name. Lat and Lon are in
// degrees; this package never swaps them (CAP writes lat,lon, GeoJSON
// lon,lat: each exporter does its own order).
type Location struct {
	Lat    float64 `json:"lat"`
	Lon    float64 `json:"lon"`
	Place  string  `json:"place,omitempty"` // e.g. "Antakya, Hatay"
	Admin1 string  `json:"admin1,omitempty"`
}

// ResourceSpec is what a request asks for.
type ResourceSpec struct {
	Kind        ResourceKind `json:"kind"`
	Class       USARClass    `json:"class,omitempty"` // minimum INSARAG class, USAR only
	Type        string       `json:"type,omitempty"`  // e.g. "mobile diagnostic complex", "heavy-lift helicopter"
	Description string       `json:"description,omitempty"`
}

// Resource is one resource offered: a team, an aircraft or a piece of
// equipment. ID is the resource's own identity when it has one (the INSARAG
// team identifier such as "RUS-1", an aircraft registration, an equipment
// serial); duplicate detection relies on it.
type Resource struct {
	Kind         ResourceKind `json:"kind"`
	ID           string       `json:"id,omitempty"`
	Name         string       `json:"name,omitempty"`
	Class        USARClass    `json:"class,omitempty"` // INSARAG class, USAR teams only
	Type         string       `json:"type,omitempty"`  // aircraft type, equipment type, EMT type
	Size         int          `json:"size,omitempty"`  // persons (teams) or crew
	Capacity     float64      `json:"capacity,omitempty"`
	CapacityUnit string       `json:"capacity_unit,omitempty"` // "t", "passengers", "beds"...
	Capabilities []string     `json:"capabilities,omitempty"`
}

// Request is the body of a RequestResource.
type Request struct {
	Resource ResourceSpec `json:"resource"`
	Quantity int          `json:"quantity"`
	Location Location     `json:"location"`
	NeededBy time.Time    `json:"needed_by"`
	Priority Priority     `json:"priority"`
	Note     string       `json:"note,omitempty"`
}

// Offer is the body of a ResponseToRequestResource or an
// OfferUnsolicitedResource. The ETA window is [ETA, ETALatest]; ETALatest
// may be zero (a point ETA). A resource already in the region may omit ETA:
// it is then taken as the time the offer was sent.
type Offer struct {
	Resource    Resource  `json:"resource"`
	Quantity    int       `json:"quantity"`
	ETA         time.Time `json:"eta,omitzero"`
	ETALatest   time.Time `json:"eta_latest,omitzero"`
	InRegion    bool      `json:"in_region,omitempty"`
	Provisional bool      `json:"provisional,omitempty"` // EDXL-RM ResponseType Provisional: offered under conditions
	Conditions  string    `json:"conditions,omitempty"`
}

// Decision is the body of a RequisitionResource: the requester accepts
// (orders) the offer or declines it.
type Decision struct {
	Accept bool   `json:"accept"`
	Reason string `json:"reason,omitempty"`
}

// Commitment is the body of a CommitResource. Quantity 0 commits the
// quantity offered.
type Commitment struct {
	Quantity int       `json:"quantity,omitempty"`
	ETA      time.Time `json:"eta,omitzero"`
}

// DeploymentStatus is reported by ReportResourceDeploymentStatus.
type DeploymentStatus string

// Deployment statuses in the order a resource goes through them.
const (
	EnRoute  DeploymentStatus = "en_route"
	Arrived  DeploymentStatus = "arrived"
	Deployed DeploymentStatus = "deployed"
	Released DeploymentStatus = "released"
)

// StatusReport is the body of a ReportResourceDeploymentStatus.
type StatusReport struct {
	Status   DeploymentStatus `json:"status"`
	Location *Location        `json:"location,omitempty"`
	Worksite string           `json:"worksite,omitempty"` // e.g. INSARAG worksite "C-6"
	Note     string           `json:"note,omitempty"`
}

// Release is the body of a ReleaseResource.
type Release struct {
	Reason string `json:"reason,omitempty"`
}

// Message is one EDXL-RM message. Exactly one body matching Type is set.
// Messages are immutable once in a Thread: the thread keeps its own copy.
type Message struct {
	ID       string      `json:"id"`
	Type     MessageType `json:"type"`
	Sent     time.Time   `json:"sent"`
	From     string      `json:"from"` // sending organisation
	Incident string      `json:"incident,omitempty"`
	// RequestID is the request this message belongs to (EDXL-RM
	// OriginatingMessageID); empty on a RequestResource and on an
	// unsolicited offer not yet linked to a request.
	RequestID string `json:"request_id,omitempty"`
	// OfferID is the offer a requisition, commitment, status report or
	// release acts on.
	OfferID    string           `json:"offer_id,omitempty"`
	Visibility share.Visibility `json:"visibility"`
	Contact    string           `json:"contact,omitempty"` // person to contact, free text

	Request  *Request      `json:"request,omitempty"`
	Offer    *Offer        `json:"offer,omitempty"`
	Decision *Decision     `json:"decision,omitempty"`
	Commit   *Commitment   `json:"commit,omitempty"`
	Status   *StatusReport `json:"status,omitempty"`
	Release  *Release      `json:"release,omitempty"`
}

// Access implements share.Record.
func (m Message) Access() (string, share.Visibility) { return m.From, m.Visibility }

// Clone returns a deep copy of m.
func (m Message) Clone() Message {
	c := m
	if m.Request != nil {
		r := *m.Request
		c.Request = &r
	}
	if m.Offer != nil {
		o := *m.Offer
		o.Resource.Capabilities = slices.Clone(o.Resource.Capabilities)
		c.Offer = &o
	}
	if m.Decision != nil {
		d := *m.Decision
		c.Decision = &d
	}
	if m.Commit != nil {
		k := *m.Commit
		c.Commit = &k
	}
	if m.Status != nil {
		s := *m.Status
		if s.Location != nil {
			l := *s.Location
			s.Location = &l
		}
		c.Status = &s
	}
	if m.Release != nil {
		r := *m.Release
		c.Release = &r
	}
	return c
}
