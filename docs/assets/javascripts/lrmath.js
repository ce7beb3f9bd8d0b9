// Boxes that scroll sideways (wide derivations, code, printed tables, notebook math) can be
// reached and scrolled with the keyboard, and a wide derivation says that it scrolls.
(() => {
  const SCROLLERS = ".lr-derivation, .md-typeset pre, .jp-RenderedText pre, .jupyter-wrapper mjx-container[display='true']";
  const mark = () => {
    let moved = false;  // a hint added or removed shifts what is below it
    // every derivation is a named region reachable with the keyboard, wide or not (whether
    // it scrolls changes with the screen, the fonts and the typesetting)
    for (const box of document.querySelectorAll(".lr-derivation:not([tabindex])")) {
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", "Derivation");
    }
    for (const box of document.querySelectorAll(SCROLLERS)) {
      const scrolls = box.scrollWidth > box.clientWidth + 1;
      const hint = box.nextElementSibling && box.nextElementSibling.classList.contains("lr-scroll-hint")
        ? box.nextElementSibling : null;
      if (scrolls && box.dataset.lrScrolls === undefined) {
        box.setAttribute("tabindex", "0");
        box.dataset.lrScrolls = "";
        if (box.matches(".lr-derivation")) {
          box.setAttribute("role", "region");
          box.setAttribute("aria-label", "Derivation (scrolls sideways)");
        }
      } else if (!scrolls && box.dataset.lrScrolls !== undefined && !box.matches(".lr-derivation")) {
        box.removeAttribute("tabindex");
        delete box.dataset.lrScrolls;
      }
      if (box.matches(".lr-derivation")) {
        if (scrolls && !hint) {
          const note = document.createElement("span");
          note.className = "lr-scroll-hint";
          note.setAttribute("aria-hidden", "true");
          note.textContent = "Wider than the screen: scroll sideways to see it all \u2192";
          box.after(note);
          moved = true;
        } else if (!scrolls && hint) {
          hint.remove();
          moved = true;
        }
      }
    }
    if (moved && held) held.scrollIntoView();  // a hint shifted what is below it
  };
  // Typesetting, web fonts and the hints above change the height of everything above an
  // anchor, at moments that depend on the machine. So once the math of a page is in place,
  // scroll (again) to the equation or section the address named when the page opened, and
  // hold it there: every change of the page's height brings it back into view, until the
  // reader scrolls, clicks, touches or presses a key (a condition, not a time limit).
  // "Named when the page opened", not the address now: Material's anchor tracking rewrites
  // the address to the heading of the section in view (history.replaceState, no hashchange),
  // and taken from there the target was that heading, screens above the equation.
  let requested = window.lrmathRequested !== undefined ? window.lrmathRequested : location.hash;
  let firstPage = true;
  const newPage = () => {  // instant navigation: the address of the new page names its target
    if (!firstPage) requested = location.hash;
    firstPage = false;
  };
  if (window.document$) document$.subscribe(newPage);
  window.addEventListener("hashchange", () => { requested = location.hash; });  // a link within the page
  let shown = null;
  let held = null;
  const release = () => { held = null; };
  for (const type of ["wheel", "touchstart", "mousedown", "keydown"])
    window.addEventListener(type, release, { capture: true, passive: true });
  if (window.ResizeObserver) new ResizeObserver(() => { if (held && held.isConnected) held.scrollIntoView(); }).observe(document.body);
  const showTarget = () => {
    const target = location.pathname + requested;
    if (!requested || shown === target) return;
    shown = target;
    held = document.getElementById(decodeURIComponent(requested.slice(1)));
    if (held) held.scrollIntoView();
  };
  // Material's search dialog and page-loading bar carry roles without names.
  const nameMaterialWidgets = () => {
    const names = { ".md-search[role=dialog]": "Search", ".md-progress[role=progressbar]": "Loading the page" };
    for (const [selector, name] of Object.entries(names))
      for (const e of document.querySelectorAll(selector)) if (!e.hasAttribute("aria-label")) e.setAttribute("aria-label", name);
  };
  nameMaterialWidgets();
  new MutationObserver(nameMaterialWidgets).observe(document.body, { childList: true });
  let pending = null;
  const later = () => { clearTimeout(pending); pending = setTimeout(mark, 150); };
  window.addEventListener("resize", later);
  // a derivation inside a solution that opens may scroll: mark it as soon as it shows
  document.addEventListener("toggle", mark, true);
  window.lrmathMarkScrollers = () => { mark(); showTarget(); };  // MathJax calls it once the math is typeset
  if (window.document$) document$.subscribe(later);
  else document.addEventListener("DOMContentLoaded", later);
})();
