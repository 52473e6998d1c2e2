import pytest

from news_pipeline.progress import Progress, listening


class Lines:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def info(self, msg: str, *args: object) -> None:
        self.lines.append(msg % args if args else msg)


def test_progress_logs_count_rate_and_eta_and_feeds_listeners() -> None:
    log = Lines()
    seen: list[tuple[str, int, int]] = []
    with listening(lambda what, done, total: seen.append((what, done, total))):
        progress = Progress(log, "NER", total=3, every_s=3600, quiet_below_s=0)
        progress.advance()
        progress.advance(2)
    assert seen == [("NER", 1, 3), ("NER", 3, 3)]
    assert len(log.lines) == 1  # throttled, but the final line is always written
    assert log.lines[0].startswith("NER: 3/3 (") and "/s, ETA 0s)" in log.lines[0]
    progress.advance()  # listener removed after the block
    assert len(seen) == 2


def test_quick_work_logs_nothing_but_still_feeds_listeners() -> None:
    log = Lines()
    seen: list[tuple[str, int, int]] = []
    with listening(lambda what, done, total: seen.append((what, done, total))):
        progress = Progress(log, "cleaning", total=2)
        progress.advance(2)
    assert seen == [("cleaning", 2, 2)]
    assert log.lines == []


def test_work_that_logged_on_the_way_logs_its_end(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = [0.0]
    monkeypatch.setattr("news_pipeline.progress.time.monotonic", lambda: clock[0])
    log = Lines()
    progress = Progress(log, "cleaning", total=3, every_s=10, quiet_below_s=3600)
    clock[0] = 20.0  # a throttled line
    progress.advance()
    clock[0] = 20.5  # the end, soon after
    progress.advance(2)
    assert [line.split(" (")[0] for line in log.lines] == ["cleaning: 1/3", "cleaning: 3/3"]
