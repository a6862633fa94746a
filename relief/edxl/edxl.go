// Package edxl writes the messages of a relief.Thread as OASIS Emergency
// Data Exchange Language Resource Messaging (EDXL-RM) 1.0 XML, so that
// other emergency management systems (national EOCs, the UN's Virtual
// OSOCC exports, Sahana Eden) can take in struna's requests and offers.
//
// # Standards
//
//   - EDXL-RM 1.0, OASIS Standard, 1 November 2008. Each message is an
//     element named after its type (RequestResource, OfferUnsolicitedResource,
//     ResponseToRequestResource, RequisitionResource, CommitResource,
//     ReportResourceDeploymentStatus, ReleaseResource) in the message
//     namespace urn:oasis:names:tc:emergency:EDXL:RM:1.0:msg, holding
//     MessageID, SentDateTime, MessageContentType, OriginatingMessageID,
//     PrecedingMessageID, IncidentInformation, ContactInformation and
//     ResourceInformation (ResourceInfoElementID, ResponseInformation,
//     Resource with TypeStructure/Keyword/ResourceStatus,
//     AssignmentInformation/Quantity/MeasuredQuantity/Amount,
//     ScheduleInformation with ScheduleType, DateTime and Location). The
//     value lists (ValueListURN, Value) and the location's
//     LocationDescription and TargetArea are of the common types namespace
//     urn:oasis:names:tc:emergency:EDXL:RM:1.0; a TargetArea is a GML
//     Point whose gml:pos is "lat lon" (EPSG:4326 axis order). Contacts
//     name their organisation with OASIS CIQ xPIL/xNL 3.0 (PartyName,
//     OrganisationName, NameElement).
//   - EDXL Distribution Element (EDXL-DE) 1.0, OASIS Standard, 1 May 2006:
//     a thread is one EDXLDistribution whose contentObjects each embed one
//     RM message (xmlContent/embeddedXMLContent), in thread order.
//
// Times are written as CAP and EDXL-DE write them: seconds precision with
// a numeric offset, "-00:00" for UTC, never "Z".
//
// # Value lists
//
// EDXL-RM leaves resource typing to value lists named by URN. struna's:
//
//	urn:struna:relief:resource-kind      usar_team, medical_team, diagnostics_team, aircraft, equipment, supplies, other
//	urn:struna:relief:insarag-class      light, medium, heavy (INSARAG Guidelines 2020)
//	urn:struna:relief:resource-type      free text: "Il-76", "mobile diagnostic complex", "EMT 2"
//	urn:struna:relief:capability         free text, one Value per capability
//	urn:struna:relief:priority           urgent, high, normal, low
//	urn:struna:relief:deployment-status  en_route, arrived, deployed, released
//
// EDXL-RM has no message to refuse an offer: a refusal is a
// RequisitionResource whose ResponseInformation/ResponseType is Decline.
//
// The package does no I/O and is deterministic.
package edxl

import (
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/struna/struna/relief"
	"github.com/struna/struna/seis"
)

// Namespaces.
const (
	NamespaceRM   = "urn:oasis:names:tc:emergency:EDXL:RM:1.0"
	NamespaceMsg  = "urn:oasis:names:tc:emergency:EDXL:RM:1.0:msg"
	NamespaceDE   = "urn:oasis:names:tc:emergency:EDXL:DE:1.0"
	NamespaceXPIL = "urn:oasis:names:tc:ciq:xpil:3"
	NamespaceXNL  = "urn:oasis:names:tc:ciq:xnl:3"
	NamespaceGML  = "http://www.opengis.net/gml"
)

// Value list URNs.
const (
	ListKind       = "urn:struna:relief:resource-kind"
	ListClass      = "urn:struna:relief:insarag-class"
	ListType       = "urn:struna:relief:resource-type"
	ListCapability = "urn:struna:relief:capability"
	ListPriority   = "urn:struna:relief:priority"
	ListDeployment = "urn:struna:relief:deployment-status"
)

// Distribution is an EDXL-DE 1.0 distribution envelope.
type Distribution struct {
	XMLName                 xml.Name        `xml:"urn:oasis:names:tc:emergency:EDXL:DE:1.0 EDXLDistribution"`
	DistributionID          string          `xml:"distributionID"`
	SenderID                string          `xml:"senderID"`
	DateTimeSent            string          `xml:"dateTimeSent"`
	DistributionStatus      string          `xml:"distributionStatus"`
	DistributionType        string          `xml:"distributionType"`
	CombinedConfidentiality string          `xml:"combinedConfidentiality"`
	Language                string          `xml:"language,omitempty"`
	ContentObjects          []ContentObject `xml:"contentObject"`
}

// ContentObject is one EDXL-DE content object holding one RM message.
type ContentObject struct {
	ContentDescription string     `xml:"contentDescription,omitempty"`
	IncidentID         string     `xml:"incidentID,omitempty"`
	XMLContent         XMLContent `xml:"xmlContent"`
}

// XMLContent holds the embedded message.
type XMLContent struct {
	Embedded Embedded `xml:"embeddedXMLContent"`
}

// Embedded is an embeddedXMLContent element.
type Embedded struct {
	Message Message `xml:",any"`
}

// Message is an EDXL-RM message; XMLName.Local is its type.
type Message struct {
	XMLName              xml.Name              `xml:""`
	MessageID            string                `xml:"MessageID"`
	SentDateTime         string                `xml:"SentDateTime"`
	MessageContentType   string                `xml:"MessageContentType"`
	MessageDescription   string                `xml:"MessageDescription,omitempty"`
	OriginatingMessageID string                `xml:"OriginatingMessageID,omitempty"`
	PrecedingMessageID   string                `xml:"PrecedingMessageID,omitempty"`
	IncidentInformation  *IncidentInformation  `xml:"IncidentInformation,omitempty"`
	ContactInformation   []ContactInformation  `xml:"ContactInformation"`
	ResourceInformation  []ResourceInformation `xml:"ResourceInformation"`
}

// IncidentInformation names the incident.
type IncidentInformation struct {
	IncidentID          string `xml:"IncidentID,omitempty"`
	IncidentDescription string `xml:"IncidentDescription,omitempty"`
}

// ContactInformation is a contact for the message.
type ContactInformation struct {
	ContactDescription           string `xml:"ContactDescription,omitempty"`
	ContactRole                  string `xml:"ContactRole,omitempty"`
	AdditionalContactInformation *Party `xml:"AdditionalContactInformation,omitempty"`
}

// Party is an xPIL party.
type Party struct {
	PartyName PartyName `xml:"urn:oasis:names:tc:ciq:xpil:3 PartyName"`
}

// PartyName holds an organisation's name.
type PartyName struct {
	OrganisationName OrganisationName `xml:"urn:oasis:names:tc:ciq:xnl:3 OrganisationName"`
}

// OrganisationName is an xNL organisation name.
type OrganisationName struct {
	NameElement []string `xml:"urn:oasis:names:tc:ciq:xnl:3 NameElement"`
}

// ResourceInformation is one resource item of a message.
type ResourceInformation struct {
	ResourceInfoElementID string                 `xml:"ResourceInfoElementID"`
	ResponseInformation   *ResponseInformation   `xml:"ResponseInformation,omitempty"`
	Resource              *Resource              `xml:"Resource,omitempty"`
	AssignmentInformation *AssignmentInformation `xml:"AssignmentInformation,omitempty"`
	ScheduleInformation   []ScheduleInformation  `xml:"ScheduleInformation,omitempty"`
}

// ResponseInformation answers an earlier resource item.
type ResponseInformation struct {
	PrecedingResourceInfoElementID string `xml:"PrecedingResourceInfoElementID"`
	ResponseType                   string `xml:"ResponseType"` // Accept, Decline, Provisional
	ResponseReason                 string `xml:"ResponseReason,omitempty"`
}

// ValueList is an EDXL-RM value list.
type ValueList struct {
	ValueListURN string   `xml:"urn:oasis:names:tc:emergency:EDXL:RM:1.0 ValueListURN"`
	Value        []string `xml:"urn:oasis:names:tc:emergency:EDXL:RM:1.0 Value"`
}

// Resource describes the resource.
type Resource struct {
	ResourceID     string          `xml:"ResourceID,omitempty"`
	Name           string          `xml:"Name,omitempty"`
	TypeStructure  ValueList       `xml:"TypeStructure"`
	Keyword        []ValueList     `xml:"Keyword,omitempty"`
	Description    string          `xml:"Description,omitempty"`
	ResourceStatus *ResourceStatus `xml:"ResourceStatus,omitempty"`
}

// ResourceStatus is the deployment status.
type ResourceStatus struct {
	DeploymentStatus *ValueList `xml:"DeploymentStatus,omitempty"`
}

// AssignmentInformation holds the quantity.
type AssignmentInformation struct {
	Quantity            Quantity `xml:"Quantity"`
	Restrictions        string   `xml:"Restrictions,omitempty"`
	AnticipatedFunction string   `xml:"AnticipatedFunction,omitempty"`
}

// Quantity is a measured quantity.
type Quantity struct {
	MeasuredQuantity MeasuredQuantity `xml:"MeasuredQuantity"`
}

// MeasuredQuantity is an amount.
type MeasuredQuantity struct {
	Amount string `xml:"Amount"`
}

// ScheduleInformation is a time and place in the resource's schedule.
type ScheduleInformation struct {
	ScheduleType string    `xml:"ScheduleType"`
	DateTime     string    `xml:"DateTime,omitempty"`
	Location     *Location `xml:"Location,omitempty"`
}

// Location is an EDXL-RM location (common types namespace).
type Location struct {
	LocationDescription string      `xml:"urn:oasis:names:tc:emergency:EDXL:RM:1.0 LocationDescription,omitempty"`
	TargetArea          *TargetArea `xml:"urn:oasis:names:tc:emergency:EDXL:RM:1.0 TargetArea,omitempty"`
}

// TargetArea is a GML point.
type TargetArea struct {
	Point Point `xml:"http://www.opengis.net/gml Point"`
}

// Point is a gml:Point; Pos is "lat lon".
type Point struct {
	Pos string `xml:"http://www.opengis.net/gml pos"`
}

// FormatTime writes t with seconds precision and a numeric offset, UTC as
// "-00:00".
func FormatTime(t time.Time) string {
	s := t.Truncate(time.Second).Format("2006-01-02T15:04:05-07:00")
	if strings.HasSuffix(s, "+00:00") {
		s = s[:len(s)-6] + "-00:00"
	}
	return s
}

// Options say what the thread does not: who sends the distribution and
// when, and the organisations' names.
type Options struct {
	DistributionID string    // required for a Distribution
	SenderID       string    // EDXL-DE actor@domain, e.g. "hub@struna.example"
	Sent           time.Time // the caller's clock
	// Status is the EDXL-DE distributionStatus: Actual (default), Exercise,
	// System or Test.
	Status              string
	IncidentDescription string
	// OrgNames maps organisation ids to the names written in contacts;
	// an organisation not listed is written by its id.
	OrgNames map[string]string
}

func fieldErr(rec, field, format string, args ...any) error {
	return &seis.FormatError{File: rec, Offset: -1, Record: -1, Field: field, Msg: fmt.Sprintf(format, args...)}
}

// Thread returns the EDXL-DE distribution of every message of t, in order.
func Thread(t relief.Thread, o Options) (Distribution, error) {
	return distribution(t.Messages(), o)
}

// Messages returns the EDXL-DE distribution of msgs, in order. Messages
// that act on an offer (requisition, commitment, status, release) take the
// offer's description from msgs if it is there.
func Messages(msgs []relief.Message, o Options) (Distribution, error) {
	return distribution(msgs, o)
}

func distribution(msgs []relief.Message, o Options) (Distribution, error) {
	rec := "distribution " + o.DistributionID
	for _, f := range []struct{ n, v string }{{"distributionID", o.DistributionID}, {"senderID", o.SenderID}} {
		if e := relief.CheckID(f.v); e != "" {
			return Distribution{}, fieldErr(rec, f.n, "%s", e)
		}
	}
	if o.Sent.IsZero() {
		return Distribution{}, fieldErr(rec, "dateTimeSent", "is missing")
	}
	status := o.Status
	switch status {
	case "":
		status = "Actual"
	case "Actual", "Exercise", "System", "Test":
	default:
		return Distribution{}, fieldErr(rec, "distributionStatus", "%q is not Actual, Exercise, System or Test", o.Status)
	}
	if len(msgs) == 0 {
		return Distribution{}, fieldErr(rec, "contentObject", "no message to distribute")
	}
	offers := map[string]relief.Message{}
	for _, m := range msgs {
		if m.Type.IsOffer() {
			offers[m.ID] = m
		}
	}
	d := Distribution{
		DistributionID: o.DistributionID, SenderID: o.SenderID, DateTimeSent: FormatTime(o.Sent),
		DistributionStatus: status, DistributionType: "Report", CombinedConfidentiality: "Unclassified",
	}
	for _, m := range msgs {
		rm, err := convert(m, offers, o)
		if err != nil {
			return Distribution{}, err
		}
		d.ContentObjects = append(d.ContentObjects, ContentObject{
			ContentDescription: describe(m), IncidentID: m.Incident,
			XMLContent: XMLContent{Embedded: Embedded{Message: rm}},
		})
	}
	return d, nil
}

// Single returns one message as an EDXL-RM message document root. offer is
// the offer m acts on (for a requisition, commitment, status or release);
// it may be the zero Message.
func Single(m relief.Message, offer relief.Message, o Options) (Message, error) {
	offers := map[string]relief.Message{}
	if offer.Type.IsOffer() {
		offers[offer.ID] = offer
	}
	return convert(m, offers, o)
}

// Marshal writes v (a Distribution or a Message) as an XML document: the
// declaration, then the element indented by two spaces, ending with a
// newline.
func Marshal(v any) ([]byte, error) {
	b, err := xml.MarshalIndent(v, "", "  ")
	if err != nil {
		return nil, err
	}
	out := append([]byte(xml.Header), b...)
	return append(out, '\n'), nil
}

func describe(m relief.Message) string {
	switch {
	case m.Request != nil:
		return fmt.Sprintf("Request for %d %s", m.Request.Quantity, m.Request.Resource.Kind)
	case m.Offer != nil:
		return fmt.Sprintf("Offer of %d %s by %s", m.Offer.Quantity, m.Offer.Resource.Kind, m.From)
	case m.Decision != nil:
		if m.Decision.Accept {
			return "Offer " + m.OfferID + " accepted"
		}
		return "Offer " + m.OfferID + " declined"
	case m.Commit != nil:
		return "Offer " + m.OfferID + " committed"
	case m.Status != nil:
		return "Offer " + m.OfferID + " " + string(m.Status.Status)
	case m.Release != nil:
		return "Offer " + m.OfferID + " released"
	}
	return string(m.Type)
}

func contact(m relief.Message, role string, o Options) ContactInformation {
	name := o.OrgNames[m.From]
	if name == "" {
		name = m.From
	}
	return ContactInformation{
		ContactDescription: m.Contact, ContactRole: role,
		AdditionalContactInformation: &Party{PartyName{OrganisationName{NameElement: []string{name}}}},
	}
}

func location(l relief.Location, desc string) *Location {
	d := l.Place
	if desc != "" {
		d = strings.TrimSpace(desc + " " + d)
	}
	return &Location{
		LocationDescription: d,
		TargetArea:          &TargetArea{Point{Pos: strconv.FormatFloat(l.Lat, 'f', -1, 64) + " " + strconv.FormatFloat(l.Lon, 'f', -1, 64)}},
	}
}

func amount(q int) Quantity { return Quantity{MeasuredQuantity{Amount: strconv.Itoa(q)}} }

// offerResource describes an offered resource.
func offerResource(of *relief.Offer) *Resource {
	r := of.Resource
	res := &Resource{
		ResourceID: r.ID, Name: r.Name,
		TypeStructure: ValueList{ValueListURN: ListKind, Value: []string{string(r.Kind)}},
	}
	if r.Class != "" {
		res.Keyword = append(res.Keyword, ValueList{ValueListURN: ListClass, Value: []string{string(r.Class)}})
	}
	if r.Type != "" {
		res.Keyword = append(res.Keyword, ValueList{ValueListURN: ListType, Value: []string{r.Type}})
	}
	if len(r.Capabilities) > 0 {
		res.Keyword = append(res.Keyword, ValueList{ValueListURN: ListCapability, Value: append([]string(nil), r.Capabilities...)})
	}
	var parts []string
	if r.Size > 0 {
		parts = append(parts, fmt.Sprintf("%d persons", r.Size))
	}
	if r.Capacity > 0 {
		parts = append(parts, "capacity "+strconv.FormatFloat(r.Capacity, 'f', -1, 64)+" "+r.CapacityUnit)
	}
	if of.InRegion {
		parts = append(parts, "already in the region")
	}
	if !of.ETALatest.IsZero() {
		parts = append(parts, "arrival window until "+FormatTime(of.ETALatest))
	}
	res.Description = strings.TrimSpace(strings.Join(parts, "; "))
	return res
}

func convert(m relief.Message, offers map[string]relief.Message, o Options) (Message, error) {
	if err := m.Validate(); err != nil {
		return Message{}, err
	}
	rm := Message{
		XMLName:      xml.Name{Space: NamespaceMsg, Local: string(m.Type)},
		MessageID:    m.ID,
		SentDateTime: FormatTime(m.Sent), MessageContentType: string(m.Type),
		MessageDescription:   describe(m),
		OriginatingMessageID: m.RequestID,
	}
	if m.Incident != "" || o.IncidentDescription != "" {
		rm.IncidentInformation = &IncidentInformation{IncidentID: m.Incident, IncidentDescription: o.IncidentDescription}
	}
	ri := ResourceInformation{}
	switch {
	case m.Request != nil:
		r := m.Request
		rm.ContactInformation = []ContactInformation{contact(m, "Requester", o)}
		ri.ResourceInfoElementID = m.ID
		res := &Resource{
			Name:          r.Resource.Type,
			TypeStructure: ValueList{ValueListURN: ListKind, Value: []string{string(r.Resource.Kind)}},
			Keyword:       []ValueList{{ValueListURN: ListPriority, Value: []string{string(r.Priority)}}},
			Description:   r.Resource.Description,
		}
		if r.Resource.Class != "" {
			res.Keyword = append(res.Keyword, ValueList{ValueListURN: ListClass, Value: []string{string(r.Resource.Class)}})
		}
		if r.Resource.Type != "" {
			res.Keyword = append(res.Keyword, ValueList{ValueListURN: ListType, Value: []string{r.Resource.Type}})
		}
		ri.Resource = res
		ri.AssignmentInformation = &AssignmentInformation{Quantity: amount(r.Quantity), AnticipatedFunction: r.Note}
		if !r.NeededBy.IsZero() {
			ri.ScheduleInformation = append(ri.ScheduleInformation, ScheduleInformation{ScheduleType: "RequestedArrival", DateTime: FormatTime(r.NeededBy)})
		}
		ri.ScheduleInformation = append(ri.ScheduleInformation, ScheduleInformation{ScheduleType: "ReportTo", Location: location(r.Location, "")})
	case m.Offer != nil:
		of := m.Offer
		rm.PrecedingMessageID = m.RequestID
		rm.ContactInformation = []ContactInformation{contact(m, "RespondingOrg", o)}
		ri.ResourceInfoElementID = m.ID
		if m.Type == relief.ResponseToRequestResource {
			rt := "Accept"
			if of.Provisional {
				rt = "Provisional"
			}
			ri.ResponseInformation = &ResponseInformation{PrecedingResourceInfoElementID: m.RequestID, ResponseType: rt, ResponseReason: of.Conditions}
		}
		ri.Resource = offerResource(of)
		ri.AssignmentInformation = &AssignmentInformation{Quantity: amount(of.Quantity)}
		if m.Type == relief.OfferUnsolicitedResource && of.Conditions != "" {
			ri.AssignmentInformation.Restrictions = of.Conditions
		}
		if of.InRegion {
			ri.ScheduleInformation = append(ri.ScheduleInformation, ScheduleInformation{ScheduleType: "BeginAvailable", DateTime: FormatTime(m.Sent)})
		}
		if !of.ETA.IsZero() {
			ri.ScheduleInformation = append(ri.ScheduleInformation, ScheduleInformation{ScheduleType: "EstimatedArrival", DateTime: FormatTime(of.ETA)})
		}
	default:
		rm.PrecedingMessageID = m.OfferID
		ri.ResourceInfoElementID = m.OfferID
		var res *Resource
		if of, ok := offers[m.OfferID]; ok {
			res = offerResource(of.Offer)
		} else {
			res = &Resource{TypeStructure: ValueList{ValueListURN: ListKind, Value: []string{string(relief.OtherKind)}},
				Description: "resource of offer " + m.OfferID}
		}
		role := "RespondingOrg"
		switch {
		case m.Decision != nil:
			role = "Requester"
			rt := "Accept"
			if !m.Decision.Accept {
				rt = "Decline"
			}
			ri.ResponseInformation = &ResponseInformation{PrecedingResourceInfoElementID: m.OfferID, ResponseType: rt, ResponseReason: m.Decision.Reason}
			ri.Resource = res
		case m.Commit != nil:
			ri.Resource = res
			q := m.Commit.Quantity
			if of, ok := offers[m.OfferID]; ok && q == 0 {
				q = of.Offer.Quantity
			}
			if q > 0 {
				ri.AssignmentInformation = &AssignmentInformation{Quantity: amount(q)}
			}
			ri.ScheduleInformation = append(ri.ScheduleInformation, ScheduleInformation{ScheduleType: "Committed", DateTime: FormatTime(m.Sent)})
			if !m.Commit.ETA.IsZero() {
				ri.ScheduleInformation = append(ri.ScheduleInformation, ScheduleInformation{ScheduleType: "EstimatedArrival", DateTime: FormatTime(m.Commit.ETA)})
			}
		case m.Status != nil:
			s := m.Status
			res.ResourceStatus = &ResourceStatus{DeploymentStatus: &ValueList{ValueListURN: ListDeployment, Value: []string{string(s.Status)}}}
			ri.Resource = res
			var loc *Location
			if s.Location != nil {
				loc = location(*s.Location, worksite(s.Worksite))
			} else if s.Worksite != "" {
				loc = &Location{LocationDescription: worksite(s.Worksite)}
			}
			switch s.Status {
			case relief.Arrived:
				ri.ScheduleInformation = append(ri.ScheduleInformation, ScheduleInformation{ScheduleType: "ActualArrival", DateTime: FormatTime(m.Sent), Location: loc})
			case relief.Released:
				ri.ScheduleInformation = append(ri.ScheduleInformation, ScheduleInformation{ScheduleType: "EndAvailable", DateTime: FormatTime(m.Sent), Location: loc})
			default:
				ri.ScheduleInformation = append(ri.ScheduleInformation, ScheduleInformation{ScheduleType: "Current", DateTime: FormatTime(m.Sent), Location: loc})
			}
			if s.Note != "" {
				rm.MessageDescription += ": " + s.Note
			}
		case m.Release != nil:
			role = "Requester"
			ri.Resource = res
			ri.ScheduleInformation = append(ri.ScheduleInformation, ScheduleInformation{ScheduleType: "EndAvailable", DateTime: FormatTime(m.Sent)})
			if m.Release.Reason != "" {
				rm.MessageDescription += ": " + m.Release.Reason
			}
		}
		if of, ok := offers[m.OfferID]; ok && m.From == of.From {
			role = "RespondingOrg"
		} else if ok {
			role = "Requester"
		}
		rm.ContactInformation = []ContactInformation{contact(m, role, o)}
	}
	rm.ResourceInformation = []ResourceInformation{ri}
	return rm, nil
}

func worksite(w string) string {
	if w == "" {
		return ""
	}
	return "worksite " + w
}
