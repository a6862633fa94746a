package hxl_test

import (
	"fmt"
	"time"

	"github.com/struna/struna/relief/hxl"
)

func ExampleBuildings() {
	b, err := hxl.Buildings([]hxl.Building{
		{ID: "C-6", Name: "Block B", Placard: "red", Category: "emergency", Assessed: time.Date(2023, 2, 7, 9, 0, 0, 0, time.UTC),
			Team: "RUS-1", Admin1: "Kahramanmaraş", Lat: 37.5858, Lon: 36.9371},
	}).CSV()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(string(b))
	// Output:
	// Building,Name,Placard,Technical condition,Assessed,Assigned team,Province,Latitude,Longitude
	// #loc+code,#loc+name,#status+placard,#status+condition,#date+assessed,#org+assigned,#adm1+name,#geo+lat,#geo+lon
	// C-6,Block B,red,emergency,2023-02-07T09:00:00Z,RUS-1,Kahramanmaraş,37.5858,36.9371
}
