package edxl

import (
	"bytes"
	"encoding/xml"
	"errors"
	"flag"
	"io"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/struna/struna/relief"
	"github.com/struna/struna/relief/share"
	"github.com/struna/struna/seis"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

var t0 = time.Date(2023, 2, 6, 6, 0, 0, 0, time.UTC)

func at(h float64) time.Time { return t0.Add(time.Duration(h * float64(time.Hour))) }

// scenario is a request for two USAR teams answered by a solicited offer
// that goes all the way, an unsolicited offer linked later and declined.
func scenario(t *testing.T) relief.Thread {
	t.Helper()
	vis := share.Parties
	msgs := []relief.Message{
		{ID: "R-1", Type: relief.RequestResource, Sent: t0, From: "TR-AFAD", Incident: "TR-2023-EQ", Visibility: vis, Contact: "AFAD duty officer",
			Request: &relief.Request{Resource: relief.ResourceSpec{Kind: relief.USARTeam, Class: relief.Medium, Description: "collapsed RC frames, Dulkadiroğlu"},
				Quantity: 2, Location: relief.Location{Lat: 37.5858, Lon: 36.9371, Place: "Kahramanmaraş", Admin1: "Kahramanmaraş"},
				NeededBy: at(24), Priority: relief.Urgent, Note: "search & rescue in <collapsed> buildings"}},
		{ID: "O-1", Type: relief.ResponseToRequestResource, Sent: at(1), From: "RU-EMERCOM", RequestID: "R-1", Incident: "TR-2023-EQ", Visibility: vis,
			Offer: &relief.Offer{Resource: relief.Resource{Kind: relief.USARTeam, ID: "RUS-1", Name: "EMERCOM rescue detachment", Class: relief.Heavy, Size: 60,
				Capabilities: []string{"search dogs", "mobile diagnostic complex"}}, Quantity: 1, ETA: at(14), ETALatest: at(18)}},
		{ID: "O-2", Type: relief.OfferUnsolicitedResource, Sent: at(2), From: "XX-NGO", RequestID: "R-1", Incident: "TR-2023-EQ", Visibility: vis,
			Offer: &relief.Offer{Resource: relief.Resource{Kind: relief.USARTeam, Name: "Volunteer rescuers", Size: 12}, Quantity: 1, InRegion: true, Conditions: "needs transport"}},
		{ID: "D-1", Type: relief.RequisitionResource, Sent: at(3), From: "TR-AFAD", RequestID: "R-1", OfferID: "O-1", Visibility: vis,
			Decision: &relief.Decision{Accept: true}},
		{ID: "D-2", Type: relief.RequisitionResource, Sent: at(3), From: "TR-AFAD", RequestID: "R-1", OfferID: "O-2", Visibility: vis,
			Decision: &relief.Decision{Accept: false, Reason: "not INSARAG classified"}},
		{ID: "C-1", Type: relief.CommitResource, Sent: at(4), From: "RU-EMERCOM", RequestID: "R-1", OfferID: "O-1", Visibility: vis,
			Commit: &relief.Commitment{ETA: at(15)}},
		{ID: "S-1", Type: relief.ReportResourceDeploymentStatus, Sent: at(15), From: "RU-EMERCOM", RequestID: "R-1", OfferID: "O-1", Visibility: vis,
			Status: &relief.StatusReport{Status: relief.Arrived, Location: &relief.Location{Lat: 37.5712, Lon: 36.9155, Place: "Kahramanmaraş airport"}}},
		{ID: "S-2", Type: relief.ReportResourceDeploymentStatus, Sent: at(17), From: "RU-EMERCOM", RequestID: "R-1", OfferID: "O-1", Visibility: vis,
			Status: &relief.StatusReport{Status: relief.Deployed, Worksite: "C-6"}},
		{ID: "X-1", Type: relief.ReleaseResource, Sent: at(240), From: "TR-AFAD", RequestID: "R-1", OfferID: "O-1", Visibility: vis,
			Release: &relief.Release{Reason: "rescue phase over"}},
	}
	th, err := relief.NewThread(msgs[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs[1:] {
		if th, err = th.Append(m); err != nil {
			t.Fatal(err)
		}
	}
	return th
}

func options() Options {
	return Options{DistributionID: "struna-R-1-export-1", SenderID: "hub@struna.example", Sent: at(241), Status: "Exercise",
		IncidentDescription: "Kahramanmaraş earthquake sequence",
		OrgNames:            map[string]string{"TR-AFAD": "Disaster and Emergency Management Authority (AFAD)", "RU-EMERCOM": "EMERCOM of Russia"}}
}

// elementNamespace is the namespace each element must be in.
func elementNamespace(local string, parent string) string {
	switch local {
	case "EDXLDistribution", "distributionID", "senderID", "dateTimeSent", "distributionStatus", "distributionType",
		"combinedConfidentiality", "language", "contentObject", "contentDescription", "incidentID", "xmlContent", "embeddedXMLContent":
		return NamespaceDE
	case "ValueListURN", "Value", "LocationDescription", "TargetArea":
		return NamespaceRM
	case "PartyName":
		return NamespaceXPIL
	case "OrganisationName", "NameElement":
		return NamespaceXNL
	case "Point", "pos":
		return NamespaceGML
	}
	return NamespaceMsg
}

func checkDocument(t *testing.T, doc []byte) {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(doc))
	var stack []string
	kids := map[int][]string{}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed: %v", err)
		}
		switch e := tok.(type) {
		case xml.StartElement:
			parent := ""
			if len(stack) > 0 {
				parent = stack[len(stack)-1]
				kids[len(stack)-1] = append(kids[len(stack)-1], e.Name.Local)
			}
			if want := elementNamespace(e.Name.Local, parent); e.Name.Space != want {
				t.Errorf("<%s> (in <%s>) has namespace %q, want %q", e.Name.Local, parent, e.Name.Space, want)
			}
			stack = append(stack, e.Name.Local)
		case xml.EndElement:
			name := stack[len(stack)-1]
			got := kids[len(stack)-1]
			delete(kids, len(stack)-1)
			stack = stack[:len(stack)-1]
			var required []string
			switch name {
			case "EDXLDistribution":
				required = []string{"distributionID", "senderID", "dateTimeSent", "distributionStatus", "distributionType", "combinedConfidentiality", "contentObject"}
			case "RequestResource", "ResponseToRequestResource", "OfferUnsolicitedResource", "RequisitionResource",
				"CommitResource", "ReportResourceDeploymentStatus", "ReleaseResource":
				required = []string{"MessageID", "SentDateTime", "MessageContentType", "ContactInformation", "ResourceInformation"}
				if got[0] != "MessageID" || got[1] != "SentDateTime" || got[2] != "MessageContentType" {
					t.Errorf("<%s> begins %v", name, got[:3])
				}
			case "ResourceInformation":
				required = []string{"ResourceInfoElementID"}
			case "ValueList", "TypeStructure", "Keyword", "DeploymentStatus":
				required = []string{"ValueListURN", "Value"}
			}
			for _, r := range required {
				if !slices.Contains(got, r) {
					t.Errorf("<%s> lacks <%s>", name, r)
				}
			}
		}
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := "testdata/" + name
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file:\n%s", name, got)
	}
}

func TestThreadDistribution(t *testing.T) {
	th := scenario(t)
	d, err := Thread(th, options())
	if err != nil {
		t.Fatal(err)
	}
	doc, err := Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	checkDocument(t, doc)
	golden(t, "thread.xml", doc)

	var back Distribution
	if err := xml.Unmarshal(doc, &back); err != nil {
		t.Fatal(err)
	}
	d.XMLName = xml.Name{Space: NamespaceDE, Local: "EDXLDistribution"}
	if !reflect.DeepEqual(d, back) {
		t.Fatalf("round trip differs:\n%+v\n%+v", d, back)
	}
	var types []string
	for _, c := range back.ContentObjects {
		m := c.XMLContent.Embedded.Message
		if m.XMLName.Local != m.MessageContentType {
			t.Errorf("element %s carries MessageContentType %s", m.XMLName.Local, m.MessageContentType)
		}
		types = append(types, m.MessageContentType)
	}
	want := []string{"RequestResource", "ResponseToRequestResource", "OfferUnsolicitedResource", "RequisitionResource",
		"RequisitionResource", "CommitResource", "ReportResourceDeploymentStatus", "ReportResourceDeploymentStatus", "ReleaseResource"}
	if !slices.Equal(types, want) {
		t.Errorf("message types %v", types)
	}

	// What the receiving system needs, read back from the parsed document.
	msg := func(i int) Message { return back.ContentObjects[i].XMLContent.Embedded.Message }
	req := msg(0)
	if req.SentDateTime != "2023-02-06T06:00:00-00:00" || req.OriginatingMessageID != "" ||
		req.ContactInformation[0].ContactRole != "Requester" ||
		req.ContactInformation[0].AdditionalContactInformation.PartyName.OrganisationName.NameElement[0] != "Disaster and Emergency Management Authority (AFAD)" {
		t.Errorf("request header: %+v", req)
	}
	ri := req.ResourceInformation[0]
	if ri.AssignmentInformation.Quantity.MeasuredQuantity.Amount != "2" || ri.Resource.TypeStructure.Value[0] != "usar_team" {
		t.Errorf("request resource: %+v", ri)
	}
	// gml:pos is "lat lon": Kahramanmaraş has lat 37.59, lon 36.94.
	if pos := ri.ScheduleInformation[1].Location.TargetArea.Point.Pos; pos != "37.5858 36.9371" {
		t.Errorf("gml:pos %q, want \"37.5858 36.9371\" (lat lon)", pos)
	}
	if ri.ScheduleInformation[0].ScheduleType != "RequestedArrival" || ri.ScheduleInformation[0].DateTime != "2023-02-07T06:00:00-00:00" {
		t.Errorf("needed by: %+v", ri.ScheduleInformation[0])
	}
	off := msg(1)
	if off.OriginatingMessageID != "R-1" || off.PrecedingMessageID != "R-1" ||
		off.ResourceInformation[0].ResponseInformation.ResponseType != "Accept" ||
		off.ResourceInformation[0].Resource.ResourceID != "RUS-1" {
		t.Errorf("solicited offer: %+v", off)
	}
	if d2 := msg(4).ResourceInformation[0].ResponseInformation; d2.ResponseType != "Decline" || d2.PrecedingResourceInfoElementID != "O-2" || d2.ResponseReason != "not INSARAG classified" {
		t.Errorf("decline: %+v", d2)
	}
	if s := msg(6).ResourceInformation[0]; s.Resource.ResourceStatus.DeploymentStatus.Value[0] != "arrived" || s.ScheduleInformation[0].ScheduleType != "ActualArrival" {
		t.Errorf("arrival: %+v", s)
	}
	if c := msg(5).ResourceInformation[0]; c.AssignmentInformation.Quantity.MeasuredQuantity.Amount != "1" || c.Resource.ResourceID != "RUS-1" {
		t.Errorf("commitment: %+v", c)
	}
	if r := msg(8); r.ContactInformation[0].ContactRole != "Requester" || !strings.HasSuffix(r.MessageDescription, "rescue phase over") {
		t.Errorf("release: %+v", r)
	}
}

func TestSingle(t *testing.T) {
	th := scenario(t)
	msgs := th.Messages()
	m, err := Single(msgs[5], msgs[1], options())
	if err != nil {
		t.Fatal(err)
	}
	doc, err := Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	checkDocument(t, doc)
	if !bytes.Contains(doc, []byte(`<CommitResource xmlns="urn:oasis:names:tc:emergency:EDXL:RM:1.0:msg">`)) {
		t.Errorf("root element:\n%s", doc)
	}
	var back Message
	if err := xml.Unmarshal(doc, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(m, back) {
		t.Errorf("round trip differs:\n%+v\n%+v", m, back)
	}
	// Without the offer the commitment still exports, with a placeholder resource.
	if _, err := Single(msgs[5], relief.Message{}, options()); err != nil {
		t.Error(err)
	}
}

func TestErrors(t *testing.T) {
	th := scenario(t)
	for _, tc := range []struct {
		field string
		edit  func(o *Options, msgs *[]relief.Message)
	}{
		{"distributionID", func(o *Options, _ *[]relief.Message) { o.DistributionID = "" }},
		{"senderID", func(o *Options, _ *[]relief.Message) { o.SenderID = "hub at struna" }},
		{"dateTimeSent", func(o *Options, _ *[]relief.Message) { o.Sent = time.Time{} }},
		{"distributionStatus", func(o *Options, _ *[]relief.Message) { o.Status = "Real" }},
		{"contentObject", func(_ *Options, m *[]relief.Message) { *m = nil }},
		{"request.quantity", func(_ *Options, m *[]relief.Message) { (*m)[0].Request.Quantity = -1 }},
	} {
		o, msgs := options(), th.Messages()
		tc.edit(&o, &msgs)
		_, err := Messages(msgs, o)
		var fe *seis.FormatError
		if !errors.As(err, &fe) || fe.Field != tc.field {
			t.Errorf("%s: error %v", tc.field, err)
		}
	}
}

func TestFormatTime(t *testing.T) {
	if got := FormatTime(time.Date(2023, 2, 6, 4, 17, 0, 9e8, time.FixedZone("TRT", 3*3600))); got != "2023-02-06T04:17:00+03:00" {
		t.Errorf("got %s", got)
	}
}
