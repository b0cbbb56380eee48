// Copy buttons on code cells, full-text search (pagefind), and the chapter menu closed on phones.
document.querySelectorAll("pre.cell-code").forEach(function (pre) {
  var button = document.createElement("button");
  button.type = "button";
  button.className = "copy-code";
  button.textContent = "Copy";
  button.setAttribute("aria-label", "Copy code to clipboard");
  button.addEventListener("click", function () {
    var text = pre.querySelector("code") ? pre.querySelector("code").innerText : pre.innerText;
    navigator.clipboard.writeText(text).then(function () {
      button.textContent = "Copied";
      setTimeout(function () { button.textContent = "Copy"; }, 1500);
    });
  });
  pre.parentNode.insertBefore(button, pre);
});
if (window.PagefindUI) {
  new PagefindUI({ element: "#search", showSubResults: true, showImages: false, resetStyles: false });
}
if (window.matchMedia("(max-width: 700px)").matches) {
  document.querySelectorAll("details.chapter-menu").forEach(function (d) { d.open = false; });
}
