/*
 * gloss default theme: progressive enhancement for article pages.
 *
 * Note popovers: hovering or focusing a note number (a.note-ref) or hovering a
 * highlighted passage (mark.note) shows the note, cloned from its entry #note-N in
 * the Notes section. Clicking/tapping pins it; Escape, a click outside or moving
 * focus away closes it. Without JavaScript the numbered links go to the Notes
 * section, so nothing depends on this file.
 *
 * Also: every piece of a split passage lights up together, both on hover and when
 * the page is opened at #nN (CSS :target only reaches the first piece).
 *
 * No dependencies; ES2017.
 */
(function () {
  "use strict";

  var SHOW_DELAY = 120;
  var HIDE_DELAY = 250;

  function ready(fn) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", fn);
    } else {
      fn();
    }
  }

  function noteNumber(el) {
    if (!el) return null;
    if (el.dataset && el.dataset.note) return el.dataset.note;
    var href = el.getAttribute("href") || "";
    var m = /#note-(\d+)$/.exec(href);
    return m ? m[1] : null;
  }

  function setActive(number, on, cls) {
    if (!number) return;
    cls = cls || "is-active";
    var sel = 'mark.note[data-note="' + number + '"], .sidenote[data-note="' + number + '"]';
    document.querySelectorAll(sel).forEach(function (el) {
      el.classList.toggle(cls, on);
    });
  }

  function initNotes() {
    var notes = document.querySelector("section.notes");
    if (!notes) return;
    document.documentElement.classList.add("js-notes");

    var popover = document.createElement("div");
    popover.className = "note-popover";
    popover.id = "gloss-note-popover";
    popover.setAttribute("role", "tooltip");
    popover.hidden = true;
    document.body.appendChild(popover);

    var current = null; // { number, anchor, pinned }
    var showTimer = 0;
    var hideTimer = 0;

    function clearTimers() {
      clearTimeout(showTimer);
      clearTimeout(hideTimer);
    }

    function fill(number) {
      var item = document.getElementById("note-" + number);
      if (!item) return false;
      popover.textContent = "";
      var kind = (item.className.match(/note-item-([a-z-]+)/) || [])[1] || "comment";
      popover.className = "note-popover kind-" + kind;
      Array.prototype.forEach.call(item.children, function (child) {
        if (child.classList.contains("note-foot")) return;
        var copy = child.cloneNode(true);
        // No duplicate ids in the page.
        if (copy.removeAttribute) copy.removeAttribute("id");
        copy.querySelectorAll("[id]").forEach(function (el) { el.removeAttribute("id"); });
        popover.appendChild(copy);
      });
      var more = document.createElement("p");
      more.className = "popover-more";
      var link = document.createElement("a");
      link.href = "#note-" + number;
      link.textContent = "Go to note " + number + " in the notes";
      more.appendChild(link);
      var fuzzy = item.querySelector(".note-fuzzy");
      if (fuzzy) {
        more.insertBefore(document.createTextNode("Anchored approximately. "), link);
      }
      popover.appendChild(more);
      return true;
    }

    function position(anchor) {
      var rects = anchor.getClientRects();
      var r = rects.length ? rects[0] : anchor.getBoundingClientRect();
      var vw = document.documentElement.clientWidth;
      var vh = window.innerHeight;
      popover.style.left = "0px";
      popover.style.top = "0px";
      var pw = popover.offsetWidth;
      var ph = popover.offsetHeight;
      var gap = 8;
      var left = Math.min(Math.max(8, r.left + r.width / 2 - pw / 2), vw - pw - 8);
      var top = r.bottom + gap;
      if (top + ph > vh - 8 && r.top - gap - ph > 8) {
        top = r.top - gap - ph;
      }
      popover.style.left = Math.round(left + window.scrollX) + "px";
      popover.style.top = Math.round(top + window.scrollY) + "px";
    }

    // A transient popover describes the note number (tooltip); a pinned one holds a
    // link and stays open, so it is a non-modal dialog.
    function setRole(pinned, number) {
      if (pinned) {
        popover.setAttribute("role", "dialog");
        popover.setAttribute("aria-label", "Note " + number);
      } else {
        popover.setAttribute("role", "tooltip");
        popover.removeAttribute("aria-label");
      }
    }

    function refFor(number) {
      return document.querySelector('a.note-ref[href="#note-' + number + '"]');
    }

    function show(number, anchor, pinned) {
      clearTimers();
      if (current && current.number === number && current.anchor === anchor) {
        current.pinned = current.pinned || pinned;
        setRole(current.pinned, number);
        return;
      }
      hide(true);
      if (!fill(number)) return;
      current = { number: number, anchor: anchor, pinned: pinned };
      setRole(pinned, number);
      popover.hidden = false;
      position(anchor);
      setActive(number, true);
      var ref = anchor.matches("a.note-ref") ? anchor : refFor(number);
      if (ref) {
        ref.setAttribute("aria-describedby", popover.id);
        ref.setAttribute("aria-expanded", "true");
      }
    }

    function hide(immediate) {
      clearTimers();
      if (!current) return;
      var run = function () {
        if (!current) return;
        setActive(current.number, false);
        document.querySelectorAll("a.note-ref[aria-expanded]").forEach(function (ref) {
          ref.removeAttribute("aria-describedby");
          ref.removeAttribute("aria-expanded");
        });
        popover.hidden = true;
        current = null;
      };
      if (immediate) run(); else hideTimer = setTimeout(run, HIDE_DELAY);
    }

    function target(e) {
      var t = e.target;
      if (!t || !t.closest) return null;
      return t.closest("a.note-ref, mark.note");
    }

    // Hover (mouse and pen; touch goes through click).
    document.addEventListener("pointerover", function (e) {
      if (e.pointerType === "touch") return;
      if (popover.contains(e.target)) { clearTimers(); return; }
      var el = target(e);
      if (!el) return;
      // Innermost mark wins for nested passages.
      var number = noteNumber(el);
      if (!number) return;
      clearTimers();
      showTimer = setTimeout(function () { show(number, el, false); }, SHOW_DELAY);
    });
    document.addEventListener("pointerout", function (e) {
      if (e.pointerType === "touch") return;
      var el = target(e) || (popover.contains(e.target) ? popover : null);
      if (!el) return;
      var to = e.relatedTarget;
      if (to && (el.contains(to) || popover.contains(to))) return;
      clearTimeout(showTimer);
      if (current && !current.pinned) hide(false);
    });

    // Keyboard focus on a note number.
    document.addEventListener("focusin", function (e) {
      if (popover.contains(e.target)) { clearTimers(); return; }
      var el = e.target.closest && e.target.closest("a.note-ref");
      if (el) {
        show(noteNumber(el), el, false);
      } else if (current) {
        hide(true);
      }
    });

    // Click / tap: pin the popover (the note number no longer jumps away;
    // the popover offers a link to the note instead).
    document.addEventListener("click", function (e) {
      if (popover.contains(e.target)) {
        if (e.target.closest("a")) hide(true);
        return;
      }
      var el = target(e);
      if (!el) {
        if (current) hide(true);
        return;
      }
      if (el.closest("a.mention") && !el.matches("a.note-ref")) return; // let mention links work
      var number = noteNumber(el);
      if (!number) return;
      if (el.matches("a.note-ref")) e.preventDefault();
      if (current && current.number === number && current.pinned) {
        hide(true);
      } else {
        show(number, el, true);
      }
    });

    document.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && current) {
        var ref = refFor(current.number);
        var focusBack = popover.contains(document.activeElement);
        hide(true);
        if (focusBack && ref) ref.focus();
      }
    });

    window.addEventListener("resize", function () {
      if (current) position(current.anchor);
    });
  }

  // Highlight every piece of a split passage when the page is opened at #nN.
  function initTarget() {
    var previous = null;
    function apply() {
      if (previous) setActive(previous, false, "is-target");
      previous = null;
      var id = decodeURIComponent(location.hash.slice(1));
      if (!id) return;
      var el = document.getElementById(id);
      if (el && el.matches("mark.note")) {
        previous = el.dataset.note;
        setActive(previous, true, "is-target");
      }
    }
    window.addEventListener("hashchange", apply);
    apply();
  }

  // Wide screens: without JavaScript each block of margin notes sits in the row of its
  // paragraph, and a long note pushes the next paragraph down. With JavaScript the
  // notes are taken out of the row height (CSS .sidenotes-free) and stacked here so
  // that they never overlap: each starts level with its paragraph, or just below the
  // previous block of notes.
  function initSidenotes() {
    var body = document.querySelector(".has-notes .article-body");
    if (!body || !window.matchMedia) return;
    var asides = body.querySelectorAll("aside.sidenotes");
    if (!asides.length) return;
    var wide = window.matchMedia("(min-width: 75em)");
    var GAP = 14;

    function reset() {
      body.classList.remove("sidenotes-free");
      body.style.paddingBottom = "";
      asides.forEach(function (a) { a.style.transform = ""; });
    }

    function layout() {
      reset();
      if (!wide.matches) return;
      body.classList.add("sidenotes-free");
      var prevBottom = -Infinity;
      asides.forEach(function (a) {
        var first = a.firstElementChild;
        var last = a.lastElementChild;
        if (!first) return;
        var top = first.getBoundingClientRect().top;
        var height = last.getBoundingClientRect().bottom - top;
        var shift = Math.max(0, prevBottom + GAP - top);
        if (shift) a.style.transform = "translateY(" + Math.ceil(shift) + "px)";
        prevBottom = top + shift + height;
      });
      var overflow = prevBottom - body.getBoundingClientRect().bottom;
      if (overflow > 0) body.style.paddingBottom = Math.ceil(overflow) + "px";
    }

    var timer = 0;
    function schedule() {
      clearTimeout(timer);
      timer = setTimeout(layout, 60);
    }
    layout();
    window.addEventListener("resize", schedule);
    window.addEventListener("load", layout);
    if (document.fonts && document.fonts.ready) document.fonts.ready.then(layout);
  }

  // On narrow screens the main nav scrolls sideways: bring the current item into view.
  function initNav() {
    var list = document.querySelector(".site-nav ul");
    if (!list) return;
    var cur = list.querySelector('[aria-current="page"], [aria-current="true"]');
    if (!cur) return;
    var item = cur.parentNode;
    function center() {
      if (list.scrollWidth <= list.clientWidth) return;
      var left = item.offsetLeft - list.offsetLeft - (list.clientWidth - item.offsetWidth) / 2;
      list.scrollLeft = Math.max(0, left);
    }
    center();
    var timer = 0;
    window.addEventListener("resize", function () {
      clearTimeout(timer);
      timer = setTimeout(center, 100);
    });
  }

  ready(function () {
    initNav();
    initSidenotes();
    initNotes();
    initTarget();
  });
})();
