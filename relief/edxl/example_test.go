package edxl_test

import (
	"fmt"
	"time"

	"github.com/struna/struna/relief"
	"github.com/struna/struna/relief/edxl"
	"github.com/struna/struna/relief/share"
)

func ExampleThread() {
	t0 := time.Date(2023, 2, 6, 4, 0, 0, 0, time.UTC)
	th, _ := relief.NewThread(relief.Message{ID: "R-1", Type: relief.RequestResource, Sent: t0, From: "TR-AFAD", Visibility: share.Parties,
		Request: &relief.Request{Resource: relief.ResourceSpec{Kind: relief.Aircraft, Type: "heavy-lift helicopter"}, Quantity: 1,
			Location: relief.Location{Lat: 36.2023, Lon: 36.1613, Place: "Antakya"}, Priority: relief.High}})
	th, _ = th.Append(relief.Message{ID: "O-1", Type: relief.ResponseToRequestResource, Sent: t0.Add(time.Hour), From: "RU-EMERCOM",
		RequestID: "R-1", Visibility: share.Parties,
		Offer: &relief.Offer{Resource: relief.Resource{Kind: relief.Aircraft, Type: "Mi-26"}, Quantity: 1, ETA: t0.Add(20 * time.Hour)}})
	d, err := edxl.Thread(th, edxl.Options{DistributionID: "export-1", SenderID: "hub@struna.example", Sent: t0.Add(2 * time.Hour)})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range d.ContentObjects {
		m := c.XMLContent.Embedded.Message
		fmt.Println(m.XMLName.Space, m.MessageContentType, m.MessageID, m.SentDateTime)
	}
	// Output:
	// urn:oasis:names:tc:emergency:EDXL:RM:1.0:msg RequestResource R-1 2023-02-06T04:00:00-00:00
	// urn:oasis:names:tc:emergency:EDXL:RM:1.0:msg ResponseToRequestResource O-1 2023-02-06T05:00:00-00:00
}
