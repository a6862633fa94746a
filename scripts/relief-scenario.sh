#!/usr/bin/env bash
# The relief operation end to end against a local hub (README, "Relief operation"):
# the affected state requests USAR teams and building diagnostics, two partners offer
# (one offer is flagged as a duplicate), a team is committed and arrives, its crew pushes
# assessments, a coordination call is convened, invitees get ready, the brief reflects it
# all, a decision is logged, and a viewer without rights sees none of the restricted records.
# Needs: struna on PATH (or STRUNA=path), curl, python3. Uses a throwaway database.
set -euo pipefail
S=${STRUNA:-struna}
dir=$(mktemp -d); db=$dir/hub.db; port=${PORT:-18090}; hub=http://127.0.0.1:$port
tok() { $S token create --db "$db" --org "$1" --role "$2" --name "$3" 2>/dev/null | tail -n 1 | awk '{print $NF}'; }
AM=$(tok ARM-MES coordinator am-coord)     # the affected state's emergency ministry
FR=$(tok USAR-FR coordinator fr-coord)     # partner 1
DE=$(tok DE-THW coordinator de-coord)      # partner 2
VIEW=$(tok PRESS viewer press)             # a viewer without rights
$S serve --db "$db" --addr 127.0.0.1:$port >"$dir/serve.log" 2>&1 & pid=$!
trap 'kill $pid; rm -rf "$dir"' EXIT
sleep 1
api() { local t=$1 m=$2 p=$3; shift 3; curl -sf -X "$m" -H "Authorization: Bearer $t" -H 'Content-Type: application/json' "$hub$p" "$@"; echo; }

echo "1. the affected state requests a heavy USAR team and building diagnostics"
api "$AM" POST /api/v1/requests -d '{"id":"R-USAR","type":"RequestResource","sent":"2026-02-07T09:30:00Z","visibility":"parties","request":{"resource":{"kind":"usar_team"},"quantity":1,"location":{"lat":40.79,"lon":43.85,"place":"Gyumri"},"priority":"urgent"}}' >/dev/null
api "$AM" POST /api/v1/requests -d '{"id":"R-DIAG","type":"RequestResource","sent":"2026-02-07T09:31:00Z","visibility":"parties","request":{"resource":{"kind":"diagnostics_team"},"quantity":1,"location":{"lat":40.79,"lon":43.85,"place":"Gyumri"},"priority":"urgent"}}' >/dev/null
echo "2. two partners offer; the second offer of the same team is flagged as a duplicate"
api "$FR" POST /api/v1/offers -d '{"id":"O-FR","type":"ResponseToRequestResource","sent":"2026-02-07T10:30:00Z","request_id":"R-USAR","visibility":"parties","offer":{"resource":{"kind":"usar_team","id":"FRA-1","name":"USAR France","class":"heavy","size":60},"quantity":1,"eta":"2026-02-07T19:30:00Z"}}' >/dev/null
api "$DE" POST /api/v1/offers -d '{"id":"O-DE","type":"ResponseToRequestResource","sent":"2026-02-07T11:00:00Z","request_id":"R-USAR","visibility":"parties","offer":{"resource":{"kind":"usar_team","id":"FRA-1","name":"USAR France","class":"heavy","size":60},"quantity":1,"eta":"2026-02-07T19:30:00Z"}}' >/dev/null
api "$FR" POST /api/v1/offers -d '{"id":"O-FR-DIAG","type":"ResponseToRequestResource","sent":"2026-02-07T10:40:00Z","request_id":"R-DIAG","visibility":"parties","offer":{"resource":{"kind":"diagnostics_team","id":"FRA-DIAG","type":"mobile diagnostic complex","size":6},"quantity":1,"eta":"2026-02-07T19:30:00Z"}}' >/dev/null
echo "3. the offers are accepted and committed, the team arrives"
for o in O-FR O-FR-DIAG; do
  r=R-USAR; [ $o = O-FR-DIAG ] && r=R-DIAG
  api "$AM" POST /api/v1/requests/$r/messages -d '{"id":"A-'$o'","type":"RequisitionResource","sent":"2026-02-07T12:00:00Z","offer_id":"'$o'","visibility":"parties","decision":{"accept":true}}' >/dev/null
  api "$FR" POST /api/v1/requests/$r/messages -d '{"id":"C-'$o'","type":"CommitResource","sent":"2026-02-07T12:10:00Z","offer_id":"'$o'","visibility":"parties","commit":{}}' >/dev/null
  api "$FR" POST /api/v1/requests/$r/messages -d '{"id":"S-'$o'","type":"ReportResourceDeploymentStatus","sent":"2026-02-07T20:00:00Z","offer_id":"'$o'","visibility":"parties","status":{"status":"arrived"}}' >/dev/null
done
api "$AM" GET /api/v1/requests | python3 -c '
import sys, json
d = json.load(sys.stdin)
for r in d["requests"]:
    print(" ", r["request_id"], "fulfilment", r["fulfilment"], "on site", r["on_site"])
    for o in r["offers"]:
        dup = o.get("duplicate")
        print("   ", o["offer_id"], o["org"], o["status"], ("DUPLICATE: " + json.dumps(dup)) if dup else "")'
echo "4. the diagnostics crew pushes its assessments (struna demo's reports)"
$S demo --out "$dir/demo" >/dev/null
$S push "$dir/demo/before/report/report.json" "$dir/demo/after/report/report.json" --hub "$hub" --token "$FR"
echo "5. a coordination call is convened now; invitees answer; a decision is logged"
api "$AM" POST /api/v1/calls -d '{"id":"CALL-1","title":"USAR coordination","invitees":[{"org":"USAR-FR"},{"org":"DE-THW"}],"start":"now","duration_minutes":30,"visibility":"parties"}' >/dev/null
api "$FR" POST /api/v1/calls/CALL-1/readiness -d '{"readiness":"ready"}' >/dev/null
api "$DE" POST /api/v1/calls/CALL-1/readiness -d '{"readiness":"delayed","delay_minutes":5}' >/dev/null
api "$AM" POST /api/v1/calls/CALL-1/open >/dev/null
api "$FR" POST /api/v1/calls/CALL-1/decisions -d '{"text":"O-DE withdrawn as a duplicate of O-FR"}' >/dev/null
api "$AM" GET /api/v1/calls/CALL-1 | python3 -c 'import sys,json; c=json.load(sys.stdin); h=c["brief"]["headline"]; print("call", c["status"], "| brief:", {k:h[k] for k in ("duplicate_offers","teams_on_site","red","green") if k in h}, "| decisions:", len(c["decisions"]))'
api "$AM" GET '/api/v1/brief?format=md' | sed -n '1,10p'
echo "6. a viewer without rights sees none of the restricted records"
api "$VIEW" GET /api/v1/requests
api "$VIEW" GET /api/v1/calls
echo "(message signing: hub/relief_test.go TestReliefScenario signs and verifies with Ed25519)"
