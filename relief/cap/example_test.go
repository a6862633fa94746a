package cap_test

import (
	"fmt"
	"time"

	"github.com/struna/struna/relief/cap"
)

func ExampleUnsafeBuildings() {
	a, err := cap.UnsafeBuildings(cap.Header{
		Identifier: "struna-unsafe-0001", Sender: "hub@struna.example",
		Sent:   time.Date(2023, 2, 7, 6, 30, 0, 0, time.UTC),
		Status: cap.Actual, MsgType: cap.MsgAlert, Scope: cap.Public,
	}, []cap.Building{
		{ID: "C-6", Name: "Block B", Lat: 37.5858, Lon: 36.9371, RadiusKm: 0.05},
		{ID: "C-7", Name: "Market hall", Lat: 37.5790, Lon: 36.9260, RadiusKm: 0.05, Sides: 4},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(a.Sent)
	fmt.Println(a.Info[0].Headline)
	fmt.Println(a.Info[0].Area[0].Circle[0])
	fmt.Println(a.Info[0].Area[1].Polygon[0])
	// Output:
	// 2023-02-07T06:30:00-00:00
	// 2 unsafe buildings: do not enter
	// 37.5858,36.9371 0.05
	// 37.579636,36.926 37.579,36.926802 37.578364,36.926 37.579,36.925198 37.579636,36.926
}
