// The print view's "In báo cáo" button (no inline script: strict CSP).
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("[data-action=print]")) {
    button.addEventListener("click", () => window.print());
  }
});
