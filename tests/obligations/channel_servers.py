"""Local stand-ins for the platforms, started by the tests on 127.0.0.1 (nothing leaves the machine).

Each speaks its platform's shape and checks what the real one checks:

* 企业微信 group robot: POST /cgi-bin/webhook/send?key=…, JSON text message, content within
  2048 bytes, 20 messages a minute per robot (errcode 45009 past that).
* 钉钉 group robot: POST /robot/send?access_token=…&timestamp=…&sign=…, the sign verified against
  the robot's secret (HMAC-SHA256 of "timestamp\\nsecret", base64, url-encoded; errcode 310000
  when wrong or more than an hour off), 20 a minute.
* Tencent Cloud SMS (SendSms 2021-01-11): POST / signed TC3-HMAC-SHA256, the signature
  recomputed from the secret key (AuthFailure.SignatureFailure when wrong).

``fail`` makes the platform answer an error; ``kill`` = (pid, n) SIGKILLs the process ``pid``
when the n-th request arrives, before answering and without recording it (the sender died
with the message not handed over).
"""

import base64
import hashlib
import hmac
import json
import os
import signal
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote_plus, urlsplit


@dataclass
class Received:
    path: str
    query: dict
    headers: dict
    body: dict


@dataclass
class Platform:
    kind: str  # "wecom", "dingtalk", "sms"
    secret: str = ""
    per_minute: int = 20
    fail: str = ""  # an errmsg to answer with (errcode 93000 / SMS error) instead of success
    kill: tuple[int, int] | None = None
    received: list[Received] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    arrivals: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self):
        platform = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                status, answer = platform.handle(self, raw)
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def texts(self) -> list[str]:
        return [r.body["text"]["content"] for r in self.received]

    # --- per platform -------------------------------------------------------------------

    def handle(self, request, raw: bytes):
        with self.lock:
            self.arrivals += 1
            if self.kill and self.arrivals == self.kill[1]:
                os.kill(self.kill[0], signal.SIGKILL)
                return 500, {}
        parts = urlsplit(request.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        body = json.loads(raw)
        if self.kind == "sms":
            return self._sms(request, raw, body)
        error = self._robot_check(parts.path, query, body, parts.query)
        if error:
            self.rejected.append(error[1])
            return 200, {"errcode": error[0], "errmsg": error[1]}
        with self.lock:
            minute_ago = time.time() - 60
            recent = [r for r in self.received if r.headers["_at"] > minute_ago]
            if len(recent) >= self.per_minute:
                self.rejected.append("rate")
                code = 45009 if self.kind == "wecom" else 130101
                return 200, {"errcode": code, "errmsg": "api freq out of limit"}
            if self.fail:
                return 200, {"errcode": 93000, "errmsg": self.fail}
            self.received.append(Received(parts.path, query, {"_at": time.time()}, body))
        return 200, {"errcode": 0, "errmsg": "ok"}

    def _robot_check(self, path: str, query: dict, body: dict, raw_query: str):
        if body.get("msgtype") != "text" or not isinstance(body.get("text", {}).get("content"), str):
            return 40008, "invalid message type"
        content = body["text"]["content"]
        if self.kind == "wecom":
            if path != "/cgi-bin/webhook/send" or not query.get("key"):
                return 93000, "invalid webhook url"
            if len(content.encode()) > 2048:
                return 40058, "content exceed max length 2048"
            if not all(m.isdigit() for m in body["text"].get("mentioned_mobile_list", [])):
                return 40058, "bad mobile"
            return None
        if path != "/robot/send" or not query.get("access_token"):
            return 300001, "token is not exist"
        if len(content) > 20000:
            return 460101, "message too long"
        if self.secret:
            timestamp = query.get("timestamp", "")
            expected = base64.b64encode(
                hmac.new(self.secret.encode(), f"{timestamp}\n{self.secret}".encode(), hashlib.sha256).digest()
            ).decode()
            # parse_qs has undone the url-encoding once: the sign arrives as base64 again.
            sign = query.get("sign", "")
            fresh = timestamp.isdigit() and abs(time.time() * 1000 - int(timestamp)) < 3600 * 1000
            if not fresh or not hmac.compare_digest(sign, expected):
                return 310000, "sign not match"
            # The url-encoding itself: "+", "/" and "=" must not reach the server raw.
            raw_sign = raw_query_value(raw_query, "sign")
            if unquote_plus(raw_sign) != sign or any(c in raw_sign for c in "+/="):
                return 310000, "sign not url-encoded"
        for mobile in body.get("at", {}).get("atMobiles", []):
            if f"@{mobile}" not in content:
                return 400101, "at mobile not in content"
        return None

    def _sms(self, request, raw: bytes, body: dict):
        auth = request.headers.get("Authorization", "")
        timestamp = request.headers.get("X-TC-Timestamp", "")
        date = time.strftime("%Y-%m-%d", time.gmtime(int(timestamp or 0)))
        canonical = "\n".join(
            [
                "POST",
                "/",
                "",
                f"content-type:{request.headers.get('Content-Type')}\nhost:{request.headers.get('Host')}\n",
                "content-type;host",
                hashlib.sha256(raw).hexdigest(),
            ]
        )
        scope = f"{date}/sms/tc3_request"
        to_sign = f"TC3-HMAC-SHA256\n{timestamp}\n{scope}\n{hashlib.sha256(canonical.encode()).hexdigest()}"

        def h(key: bytes, msg: str) -> bytes:
            return hmac.new(key, msg.encode(), hashlib.sha256).digest()

        signing = h(h(h(f"TC3{self.secret}".encode(), date), "sms"), "tc3_request")
        expected = hmac.new(signing, to_sign.encode(), hashlib.sha256).hexdigest()
        if (
            request.headers.get("X-TC-Action") != "SendSms"
            or request.headers.get("X-TC-Version") != "2021-01-11"
            or not auth.endswith(f"Signature={expected}")
        ):
            self.rejected.append("signature")
            return 200, {
                "Response": {
                    "Error": {"Code": "AuthFailure.SignatureFailure", "Message": "signature mismatch"},
                    "RequestId": "r",
                }
            }
        if self.fail:
            status = {"Code": "LimitExceeded.PhoneNumberDailyLimit", "Message": self.fail, "SerialNo": ""}
        else:
            status = {"Code": "Ok", "Message": "send success", "SerialNo": f"sn-{len(self.received)}"}
            with self.lock:
                self.received.append(Received("/", {}, {"_at": time.time()}, body))
        phone = body["PhoneNumberSet"][0]
        return 200, {"Response": {"SendStatusSet": [{**status, "PhoneNumber": phone, "Fee": 1}], "RequestId": "r"}}


def raw_query_value(query: str, name: str) -> str:
    for pair in query.split("&"):
        key, _, value = pair.partition("=")
        if key == name:
            return value
    return ""
