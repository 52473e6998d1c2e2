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
        progress = Progress(log, "NER", total=3, every_s=3600)
        progress.advance()
        progress.advance(2)
    assert seen == [("NER", 1, 3), ("NER", 3, 3)]
    assert len(log.lines) == 1  # throttled, but the final line is always written
    assert log.lines[0].startswith("NER: 3/3 (") and "/s, ETA 0s)" in log.lines[0]
    progress.advance()  # listener removed after the block
    assert len(seen) == 2
