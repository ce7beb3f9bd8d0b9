// Self-tests (lrmath.site.quizzes): CSS shows the feedback of the chosen option; this
// script also writes it into the quiz's polite live region, so that a screen reader
// announces it. One listener on the document, so it works after instant navigation.
document.addEventListener("change", (event) => {
  const input = event.target;
  if (!(input instanceof HTMLInputElement) || !input.closest(".lr-quiz")) return;
  const feedback = input.parentElement.querySelector(".lr-quiz-feedback");
  const status = input.closest(".lr-quiz").querySelector(".lr-quiz-status");
  if (feedback && status) status.textContent = feedback.textContent;
});
