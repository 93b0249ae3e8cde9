// The message page's live trace: the page lists the events it was made with; the API's trace stream sends them
// all again from acceptance on, then each new one, and this appends those the list does not have yet.
"use strict";
(() => {
  const list = document.getElementById("trace");
  const state = document.getElementById("trace-state");
  const seen = new Set(Array.from(list.children, li => li.dataset.seq));

  // The same words as MessagePage.line on the server.
  const line = e => [e.time, e.event, e.recipient, e.channel && "(" + e.channel + ")", e.at && "at " + e.at,
    e.sender !== undefined && "from <" + e.sender + ">", e.bounce && "bounce " + e.bounce,
    e.report && "\u2014 " + e.report.trim()].filter(Boolean).join(" ");

  const stream = new EventSource(list.dataset.stream);
  stream.onopen = () => { state.textContent = "(live)"; };
  stream.addEventListener("event", message => {
    const e = JSON.parse(message.data);
    if (seen.has(String(e.seq))) return;
    seen.add(String(e.seq));
    const li = document.createElement("li");
    li.dataset.seq = e.seq;
    li.className = "event-" + e.event;
    li.textContent = line(e); // text, never markup: a report is whatever the remote server said
    list.append(li);
  });
  // The stream ends when the message leaves the queue; the browser would otherwise ask again and again.
  stream.onerror = () => { stream.close(); state.textContent = "(ended)"; };
})();
