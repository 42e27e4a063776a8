// Keys for a presenter (nnviz/ui/controls.py): Space plays or pauses, → and Page Down
// step (a presenter remote's "next"), ← and Page Up step back through the replay, R
// resets. A key is sent to the server as the trigger "key" ({action, n}), which reruns
// the page as a click on the control would.
//
// Not when a text field (or the data table, a slider, the tabs, a dialog …) has the
// focus: there the keys type or move as usual. Streamlit's buttons take one shortcut
// each and keep R for themselves (a rerun), hence this listener: it runs first (on the
// window, capturing) and stops the keys it acts on there.

const ACTIONS = {
  " ": "play",
  ArrowRight: "step",
  PageDown: "step",
  ArrowLeft: "back",
  PageUp: "back",
  r: "reset",
  R: "reset",
};
// where every key keeps its usual meaning
const TYPING = [
  "input:not([type=button]):not([type=checkbox]):not([type=radio]):not([type=submit])",
  "textarea", "select", "[contenteditable='']", "[contenteditable='true']",
  "[role=textbox]", "[role=combobox]", "[role=searchbox]", "[role=spinbutton]",
  "[role=grid]", "[data-testid='stDataFrame']", "[data-testid='stDataFrameResizable']",
  "[role=dialog]",
].join(",");
// where the arrows and Page Up / Down move something already
const MOVING = [
  "[role=slider]", "input[type=range]", "[role=tab]", "[role=tablist]", "[role=radio]",
  "[role=radiogroup]", "[role=listbox]", "[role=option]", "[role=menu]", "[role=menuitem]",
].join(",");
const MOVES = new Set(["ArrowRight", "ArrowLeft", "PageDown", "PageUp"]);

const keys = window.__nnvizKeys || (window.__nnvizKeys = { send: null, n: 0, installed: false });

function focused() {
  let el = document.activeElement;
  while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
  return el && el !== document.body ? el : null;
}

function onKey(event) {
  const action = ACTIONS[event.key];
  if (!action || event.ctrlKey || event.metaKey || event.altKey || !keys.send) return;
  if (document.querySelector("[role=dialog]")) return;
  const el = focused();
  if (el && el.closest(TYPING)) return;
  if (el && MOVES.has(event.key) && el.closest(MOVING)) return;
  event.preventDefault();
  event.stopImmediatePropagation();
  if (event.repeat && (action === "play" || action === "reset")) return;
  if (event.key === " " && el) {
    // a focused button would take the Space as its own click (on key up): not this time
    window.addEventListener("keyup", (up) => {
      if (up.key === " ") { up.preventDefault(); up.stopImmediatePropagation(); }
    }, { capture: true, once: true });
  }
  keys.n += 1;
  keys.send("key", { action, n: keys.n });
}

export default function (component) {
  keys.send = component.setTriggerValue;
  if (!keys.installed) {
    keys.installed = true;
    window.addEventListener("keydown", onKey, true);
  }
  return undefined;
}
