#!/usr/bin/env python3
"""A FHIR server stub for tests/load/cold-start.sh: listens on 127.0.0.1 only, answers every GET after a fixed
delay with the prefetch data of one fixture, chosen by the resource type of the path (a read of Patient gives the
Patient; a search gives a searchset Bundle; a key the fixture leaves null gives an empty searchset). Each request
is appended to the log file as one line (time, path without the query), so the script can count the reads.

    fhir-stub.py PORT DELAY_MS FIXTURE_REQUEST_JSON LOG_FILE
"""
import json
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port, delay_ms, fixture, log_file = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
prefetch = json.load(open(fixture, encoding="utf-8")).get("prefetch") or {}
by_type = {
    "Patient": "patient",
    "Condition": "conditions",
    "Observation": "observations",
    "MedicationRequest": "medicationRequests",
    "MedicationStatement": "medicationStatements",
    "MedicationAdministration": "medicationAdministrations",
}


def answer(resource_type):
    value = prefetch.get(by_type.get(resource_type, ""))
    if value is None:
        if resource_type == "Patient":
            return {"resourceType": "Patient", "id": "stub", "gender": "female", "birthDate": "1962-05-14"}
        return {"resourceType": "Bundle", "type": "searchset", "total": 0}
    return value


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        time.sleep(delay_ms / 1000)
        path = self.path.split("?", 1)[0]
        resource_type = path.rstrip("/").split("/fhir/", 1)[-1].split("/")[0]
        body = json.dumps(answer(resource_type)).encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "application/fhir+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        with open(log_file, "a", encoding="utf-8") as log:
            log.write(f"{time.time():.3f} {path}\n")

    def log_message(self, *args):
        pass


ThreadingHTTPServer.daemon_threads = True
ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
