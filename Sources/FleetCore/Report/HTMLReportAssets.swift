/// The report's inline style sheet and script: kept apart from the markup so each reads on
/// its own. Nothing here loads anything from the network.
enum HTMLReportAssets {
    static let css = """
        :root { --ok:#2e9e4f; --changed:#d99a00; --skipped:#aab2bd; --failed:#d63c3c; --unreachable:#8a3fc0;
                --ink:#1d2330; --muted:#667085; --line:#e3e6ec; --name:190px; --row:24px; }
        * { box-sizing: border-box; }
        body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); margin: 0; padding: 18px 24px; }
        h1 { font-size: 20px; margin: 0 0 8px; } h2 { font-size: 16px; margin: 22px 0 8px; }
        code, .detail pre { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 12.5px; }
        .facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 0; }
        .facts dt { color: var(--muted); } .facts dd { margin: 0; word-break: break-all; }
        .badge { font-size: 12px; padding: 2px 8px; border-radius: 10px; color: #fff; vertical-align: middle; background: var(--muted); }
        .badge.ok { background: var(--ok); } .badge.failed { background: var(--failed); } .badge.skipped { background: var(--skipped); color: var(--ink); }
        .chip { display: inline-block; margin-right: 6px; padding: 1px 9px; border-radius: 10px; border: 2px solid; font-weight: 600; }
        .chip.ok { border-color: var(--ok); } .chip.changed { border-color: var(--changed); } .chip.skipped { border-color: var(--skipped); }
        .chip.failed { border-color: var(--failed); } .chip.unreachable { border-color: var(--unreachable); }
        .legend .key { display: inline-block; width: 22px; height: 11px; margin: 0 4px 0 10px; border-radius: 2px; vertical-align: middle; }
        .hint { color: var(--muted); }
        .timeline { border: 1px solid var(--line); max-height: 70vh; overflow: auto; position: relative; }
        .timeline .row, .timeline .axis { display: flex; min-width: 960px; }
        .timeline .name { flex: none; width: var(--name); position: sticky; left: 0; z-index: 2; background: #fff; padding: 0 8px;
                          white-space: nowrap; overflow: hidden; text-overflow: ellipsis; border-right: 1px solid var(--line); }
        .timeline .lane { flex: 1; position: relative; }
        .timeline .axis { position: sticky; top: 0; z-index: 3; background: #f6f7f9; height: 26px; line-height: 26px; border-bottom: 1px solid var(--line); }
        .timeline .axis .name { background: #f6f7f9; color: var(--muted); font-weight: 600; z-index: 4; }
        .tick { position: absolute; top: 0; bottom: 0; border-left: 1px solid #c9ced6; padding-left: 3px; font-size: 11px; color: var(--muted); }
        .play { position: absolute; top: 0; bottom: 0; border-left: 2px solid var(--ink); }
        .row { height: var(--row); border-bottom: 1px solid #f0f1f4; }
        .row .name { line-height: var(--row); }
        .row:hover .name, .row:hover { background: #f3f6fb; }
        .bar { position: absolute; top: 3px; bottom: 3px; min-width: 3px; border-radius: 3px; cursor: pointer; outline-offset: 1px; }
        .bar:hover, .bar:focus, .bar.selected { outline: 2px solid var(--ink); z-index: 1; }
        .ok { background: var(--ok); } .changed { background: var(--changed); } .skipped { background: var(--skipped); }
        .failed { background: var(--failed); } .unreachable { background: var(--unreachable); }
        .ignored { background: repeating-linear-gradient(45deg, var(--failed) 0 4px, #f4b4b4 4px 8px); }
        th.ok, th.changed, th.skipped, th.failed, th.unreachable { background: none; color: var(--ink); border-bottom: 3px solid; }
        th.ok { border-color: var(--ok); } th.changed { border-color: var(--changed); } th.skipped { border-color: var(--skipped); }
        th.failed { border-color: var(--failed); } th.unreachable { border-color: var(--unreachable); }
        .compact { --row: 15px; font-size: 11.5px; } .compact .bar { top: 2px; bottom: 2px; border-radius: 1px; min-width: 2px; }
        .detail { margin-top: 10px; border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; min-height: 64px; background: #fbfbfc; }
        .detail h3 { margin: 0 0 4px; font-size: 14px; } .detail dl { display: grid; grid-template-columns: max-content 1fr; gap: 1px 12px; margin: 0; }
        .detail dt { color: var(--muted); } .detail dd { margin: 0; }
        .detail pre { margin: 0; white-space: pre-wrap; word-break: break-all; max-height: 160px; overflow: auto; background: #fff; padding: 3px 6px; border: 1px solid var(--line); }
        table { border-collapse: collapse; } th, td { padding: 3px 12px; text-align: left; border-bottom: 1px solid var(--line); }
        .recap td:not(:first-child), .recap th:not(:first-child) { text-align: right; }
        .recap tr.bad td:first-child { color: var(--failed); font-weight: 600; } .recap tfoot td { font-weight: 700; border-top: 2px solid var(--ink); }
        .scroll { max-height: 60vh; overflow: auto; display: inline-block; border: 1px solid var(--line); }
        .scroll thead th { position: sticky; top: 0; background: #fff; }
        """

    /// Fills the detail panel from the hovered or clicked bar's `data-` attributes, as text
    /// (never as markup), so nothing in an output excerpt can run.
    static let script = """
        (function () {
          var panel = document.getElementById('detail'); var pinned = null;
          var fields = [['host','host'],['play','play'],['status','status'],['duration','duration'],['rc','exit code'],
                        ['command','command'],['message','message'],['stdout','stdout'],['stderr','stderr'],['log','log']];
          function show(bar) {
            panel.textContent = '';
            var title = document.createElement('h3'); title.textContent = bar.dataset.task; panel.appendChild(title);
            var list = document.createElement('dl');
            fields.forEach(function (field) {
              var value = bar.dataset[field[0]]; if (value === undefined || value === '') return;
              var term = document.createElement('dt'); term.textContent = field[1];
              var detail = document.createElement('dd');
              if (['command','message','stdout','stderr'].indexOf(field[0]) >= 0) {
                var pre = document.createElement('pre'); pre.textContent = value; detail.appendChild(pre);
              } else { detail.textContent = value; }
              list.appendChild(term); list.appendChild(detail);
            });
            panel.appendChild(list);
          }
          var timeline = document.getElementById('timeline');
          timeline.addEventListener('mouseover', function (event) {
            if (!pinned && event.target.classList.contains('bar')) show(event.target);
          });
          timeline.addEventListener('click', function (event) {
            if (!event.target.classList.contains('bar')) return;
            if (pinned) pinned.classList.remove('selected');
            pinned = pinned === event.target ? null : event.target;
            if (pinned) { pinned.classList.add('selected'); show(pinned); }
          });
          timeline.addEventListener('focusin', function (event) {
            if (event.target.classList.contains('bar')) show(event.target);
          });
        })();
        """
}
