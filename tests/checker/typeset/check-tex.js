// Typeset TeX with MathJax's TeX input (the version the site vendors, 3.2.2) and report errors.
// stdin: a JSON array of {"where": "...", "tex": "..."}; stdout: a JSON array of
// {"where": "...", "tex": "...", "error": "..."} for each item that is a TeX error.
// The packages are the site's: everything MathJax has, except 'noundefined', so an unknown
// macro is an error (see docs/assets/javascripts/mathjax-config.js).
const {mathjax} = require('mathjax-full/js/mathjax.js');
const {TeX} = require('mathjax-full/js/input/tex.js');
const {liteAdaptor} = require('mathjax-full/js/adaptors/liteAdaptor.js');
const {RegisterHTMLHandler} = require('mathjax-full/js/handlers/html.js');
const {AllPackages} = require('mathjax-full/js/input/tex/AllPackages.js');
const {STATE} = require('mathjax-full/js/core/MathItem.js');

const adaptor = liteAdaptor();
RegisterHTMLHandler(adaptor);
const packages = AllPackages.filter((p) => !['noundefined', 'autoload', 'require', 'bussproofs'].includes(p));
const tex = new TeX({packages, formatError: (jax, err) => { throw err; }});
const doc = mathjax.document('', {InputJax: tex});

let input = '';
process.stdin.on('data', (chunk) => { input += chunk; });
process.stdin.on('end', () => {
  const errors = [];
  for (const item of JSON.parse(input)) {
    try {
      tex.parseOptions.tags.reset();
      doc.convert(item.tex, {display: true, end: STATE.COMPILED});
    } catch (err) {
      errors.push({where: item.where, tex: item.tex, error: String(err.message || err)});
    }
  }
  process.stdout.write(JSON.stringify(errors));
});
