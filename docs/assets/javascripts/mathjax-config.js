// MathJax 3, served from this site (assets/mathjax/), never from a CDN.
// - Markdown pages: pymdownx.arithmatex wraps math in .arithmatex with \( \) and \[ \].
// - Notebook pages: Markdown cells keep $...$ and $$...$$ inside .jp-RenderedMarkdown.
// - 'noundefined' is removed so that an unknown macro is a visible error (mjx-merror),
//   which the browser tests count, instead of silently printed red text.
// The equation or section the address names as the page opens, kept before Material's
// anchor tracking (navigation.tracking) rewrites the address to the section in view, which
// it may do before the math is typeset; lrmath.js brings this target back into view then.
window.lrmathRequested = location.hash;
window.MathJax = {
  tex: {
    inlineMath: [["\\(", "\\)"], ["$", "$"]],
    displayMath: [["\\[", "\\]"], ["$$", "$$"]],
    processEscapes: true,
    processEnvironments: true,
    tags: "none",
    packages: { "[-]": ["noundefined"] },
    formatError: (jax, err) => jax.formatError(err),
  },
  options: {
    // ".+" (not ".*"): an element without a class inherits its parent's state, so
    // the <p> inside a notebook's Markdown cell is typeset, and prose elsewhere is not.
    ignoreHtmlClass: ".+",
    processHtmlClass: "arithmatex|jp-RenderedMarkdown|jp-RenderedLatex|jp-MarkdownOutput",
    enableMenu: false,
    // hidden MathML beside each formula, which screen readers read (MathJax's default; kept on)
    enableAssistiveMml: true,
  },
  startup: {
    // Material's document$ emits on the first load and after each instant navigation:
    // typeset there (and only there), so no page is typeset twice or missed.
    typeset: false,
    ready: () => {
      MathJax.startup.defaultReady();
      // Chromium leaves a formula's MathML out of the accessible name of the element that
      // holds it ("proven multiply by" for the mark "proven multiply by \(e^{z}/e^{z} = 1\)"):
      // in a mark's summary or a link (a table-of-contents entry) the MathML gets its TeX as label.
      const nameFormulasInLabels = () => {
        for (const item of MathJax.startup.document.math) {
          const root = item.typesetRoot;
          const math = root && root.closest("summary, a") && root.querySelector("mjx-assistive-mml > math");
          if (math) math.setAttribute("aria-label", ` ${item.math.replace(/\s+/g, " ").trim()} `);
        }
      };
      const typeset = () => {
        MathJax.startup.output.clearCache();
        MathJax.typesetClear();
        MathJax.texReset();
        // Exposed so that the browser tests can wait for the math of *this* page.
        const done = MathJax.typesetPromise().then(() => {
          nameFormulasInLabels();
          if (window.lrmathMarkScrollers) window.lrmathMarkScrollers();
        });
        window.lrmathTypeset = { href: location.href, done };
        return window.lrmathTypeset.done;
      };
      if (window.document$) document$.subscribe(typeset);
      else MathJax.startup.promise.then(typeset);
    },
  },
};
