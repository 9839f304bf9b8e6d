#!/usr/bin/env python3
"""The specification's own design: stdlib logging + a JSON formatter + RotatingFileHandler
(10 MiB x 5), writing the specification's response record. Prints records/s.
   python3 bench/logging/python_logging_bench.py [records]"""
import json, logging, logging.handlers, os, sys, tempfile, time
from datetime import datetime


class JSONFormatter(logging.Formatter):
    def format(self, record):
        entry = {"timestamp": datetime.utcnow().isoformat(), "level": record.levelname,
                 "message": record.getMessage(), "module": record.module}
        for key in ("request_id", "method", "url", "endpoint", "status_code", "content_type",
                    "duration_ms", "type"):
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        return json.dumps(entry)


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200000
    d = tempfile.mkdtemp(prefix="llm-pylog-bench-")
    handler = logging.handlers.RotatingFileHandler(os.path.join(d, "api.log"),
                                                   maxBytes=10485760, backupCount=5)
    handler.setFormatter(JSONFormatter())
    log = logging.getLogger("api")
    log.setLevel(logging.INFO)
    log.addHandler(handler)
    extra = {"request_id": "req_1719405000123456", "method": "POST",
             "url": "http://localhost:5000/api/v1/generate", "endpoint": "generate_response",
             "status_code": 200, "content_type": "application/json", "duration_ms": 2340.12,
             "type": "response"}
    start = time.perf_counter()
    for _ in range(n):
        log.info("Outgoing response", extra=extra)
    handler.flush()
    elapsed = time.perf_counter() - start
    print(f"python logging+RotatingFileHandler+json: {n / elapsed:,.0f} records/s "
          f"({n} records in {elapsed:.2f} s)")


if __name__ == "__main__":
    main()
