/* Wijkgraaf map page: draws the data in #map-data with vis-network and wires the controls.
 * Plain JavaScript, no libraries besides vis-network (inlined in the page). Node and edge
 * texts are set with textContent only: names never become HTML. */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("map-data").textContent);
  var words = data.words;
  var byId = function (id) { return document.getElementById(id); };

  var state = {
    colour: data.colourBy,
    size: data.sizeBy,
    theme: "",
    hiddenTypes: {},
    group: null,
    labels: {},     /* node id -> { threshold, size } as last given to vis-network */
    hover: null,
    selected: null,
    view: data.view
  };

  var FONT = 13;             /* label size at zoom 1, in the drawing's pixels */
  /* On a crowded map, the others' labels appear from this zoom on: the layout puts neighbours
   * about 45 drawing pixels apart (closer in a dense core), and a name is some 70 pixels wide
   * at zoom 1. vis-network draws a label when its size on screen is at least
   * drawThreshold - 1 and fades it in over that last pixel. */
  var LABEL_ZOOM = 1.5;
  var HIDDEN_LABEL = FONT * LABEL_ZOOM;
  var SHOWN_LABEL = 0;
  var READABLE = 12;         /* screen pixels a label that is always shown keeps at least */
  var LARGEST_LABEL = FONT * 3;

  var nodes = new vis.DataSet();
  var edges = new vis.DataSet();
  var options = {
    physics: { enabled: false },
    layout: { improvedLayout: false },
    interaction: {
      hover: true,
      tooltipDelay: 150,
      hideEdgesOnDrag: data.drawnNodes > 500,
      hideEdgesOnZoom: data.drawnNodes > 1000,
      keyboard: { enabled: true, bindToWindow: false }
    },
    nodes: { font: { size: FONT, face: "system-ui, sans-serif", strokeWidth: 3, strokeColor: "#ffffff" } },
    edges: { smooth: false, selectionWidth: 2, hoverWidth: 1 }
  };
  var network = new vis.Network(byId("mynetwork"), { nodes: nodes, edges: edges }, options);

  var DIMMED = 0.3;          /* opacity of the nodes an answer does not mark */
  var TOOLTIP_REASONS = 4;   /* the details panel shows them all */
  var GROUP_EDGE = "#8899aa";

  function colourOf(node) {
    var fill = node.colours[state.colour] || node.colours.kind;
    var border = node.role ? data.roleColours[node.role] : fill;
    return {
      background: fill,
      border: border,
      highlight: { background: fill, border: "#222222" },
      hover: { background: fill, border: "#222222" }
    };
  }

  function sizeOf(node) {
    return node.sizes[state.size] || node.sizes.degree || 10;
  }

  /* Plain text: vis-network shows a string title as text, never as HTML. */
  function titleOf(node) {
    var rows = node.details || [];
    var lines;
    if (node.kind === "group") {
      lines = [node.label].concat(rows.map(function (row) { return row[0] + ": " + row[1]; }));
      return lines.concat(node.reasons || []).join("\n");
    }
    var kind = rows.length ? " — " + String(rows[0][1]).toLowerCase() : "";
    lines = [node.label + kind].concat(rows.slice(1).map(function (row) {
      return row[0] + ": " + row[1];
    }));
    var reasons = node.reasons || [];
    reasons.slice(0, TOOLTIP_REASONS).forEach(function (text) { lines.push("• " + text); });
    if (reasons.length > TOOLTIP_REASONS) { lines.push("• …"); }
    return lines.join("\n");
  }

  function nodeItem(node) {
    var item = Object.assign({}, node);
    item.color = colourOf(node);
    item.size = sizeOf(node);
    item.borderWidth = node.role ? 4 : 1;
    item.opacity = node.dim ? DIMMED : 1;
    item.title = titleOf(node);
    return item;
  }

  function edgeItem(edge, index) {
    var item = Object.assign({}, edge);
    var colour = edge.role ? data.edgeRoleColours[edge.role]
      : edge.type === "GROUP" ? GROUP_EDGE : (data.relationColours[edge.type] || "#999999");
    item.color = { color: colour, opacity: edge.role ? 1 : 0.55 };
    if (edge.role) { item.width = edge.role === "suggestion" ? 2.5 : 3.5; }
    if (!item.title) {
      var from = index[edge.from], to = index[edge.to];
      item.title = (from ? from.label : edge.from) + " " +
        (data.relationNames[edge.type] || edge.type) + " " +
        (to ? to.label : edge.to) + (edge.note || "") +
        (edge.role && edge.role !== "suggestion" ? "\n" + data.edgeRoleNames[edge.role] : "");
      if (edge.role === "suggestion") {
        item.title = data.edgeRoleNames.suggestion + (edge.note || "");
      }
    }
    return item;
  }

  function nodeIndex(view) {
    var index = {};
    view.nodes.forEach(function (node) { index[node.id] = node; });
    return index;
  }

  /* Which nodes the theme filter keeps: those with the theme and everyone tied to them. */
  function themeKeeps(view) {
    if (!state.theme) { return null; }
    var keep = {};
    view.nodes.forEach(function (node) {
      if (node.themes && node.themes.indexOf(state.theme) >= 0) { keep[node.id] = true; }
    });
    var core = Object.assign({}, keep);
    view.edges.forEach(function (edge) {
      if (state.hiddenTypes[edge.type]) { return; }
      if (core[edge.from]) { keep[edge.to] = true; }
      if (core[edge.to]) { keep[edge.from] = true; }
    });
    return keep;
  }

  function applyFilters() {
    var view = state.view;
    var keep = themeKeeps(view);
    var hiddenNode = {};
    nodes.update(view.nodes.map(function (node) {
      var hidden = keep !== null && !keep[node.id] && node.kind !== "group";
      hiddenNode[node.id] = hidden;
      return { id: node.id, hidden: hidden };
    }));
    edges.update(view.edges.map(function (edge) {
      var hidden = Boolean(state.hiddenTypes[edge.type]) || hiddenNode[edge.from] || hiddenNode[edge.to];
      return { id: edge.id, hidden: hidden };
    }));
  }

  function applyStyle() {
    nodes.update(state.view.nodes.map(function (node) {
      return { id: node.id, color: colourOf(node), size: sizeOf(node) };
    }));
  }

  /* --- labels: which nodes show theirs whatever the zoom (see visualise/page.py) --- */
  function crowded() { return state.view.nodes.length > data.labelsAllUpTo; }

  function alwaysLabelled(node) {
    return !crowded() || node.kind === "group" || Boolean(node.role) || node.id === data.ego;
  }

  /* The nodes labelled now: the always-labelled, the one under the pointer, the selected one
   * and its neighbours. */
  function labelledNow() {
    var shown = {};
    state.view.nodes.forEach(function (node) {
      if (alwaysLabelled(node)) { shown[node.id] = true; }
    });
    if (state.hover && state.index[state.hover]) { shown[state.hover] = true; }
    if (state.selected && state.index[state.selected]) {
      shown[state.selected] = true;
      network.getConnectedNodes(state.selected).forEach(function (id) { shown[id] = true; });
    }
    return shown;
  }

  /* Set each node's label threshold and size where they changed; a shown label grows as the
   * map zooms out, so that it stays readable on screen. */
  function relabel() {
    var shown = labelledNow();
    var scale = network.getScale() || 1;
    var size = Math.min(LARGEST_LABEL, Math.max(FONT, READABLE / scale));
    size = Math.round(size * 10) / 10;
    var changes = [];
    state.view.nodes.forEach(function (node) {
      var want = shown[node.id] ? { threshold: SHOWN_LABEL, size: size }
        : { threshold: HIDDEN_LABEL, size: FONT };
      var had = state.labels[node.id];
      if (had && had.threshold === want.threshold && had.size === want.size) { return; }
      state.labels[node.id] = want;
      changes.push({
        id: node.id,
        font: { size: want.size },
        scaling: { label: { drawThreshold: want.threshold } }
      });
    });
    if (changes.length) { nodes.update(changes); }
  }

  function load(view) {
    state.view = view;
    state.index = nodeIndex(view);
    network.setOptions({ interaction: {
      hideEdgesOnDrag: view.nodes.length > 500,
      hideEdgesOnZoom: view.nodes.length > 1000
    } });
    nodes.clear();
    edges.clear();
    state.labels = {};
    state.hover = null;
    state.selected = null;
    nodes.add(view.nodes.map(nodeItem));
    edges.add(view.edges.map(function (edge) { return edgeItem(edge, state.index); }));
    applyFilters();
    network.fit({ animation: false });
    relabel();
  }

  function showDetails(node) {
    var panel = byId("node-details");
    panel.textContent = "";
    panel.dataset.nodeId = node.id;
    var heading = document.createElement("h2");
    heading.textContent = node.kind === "group" ? node.groupName : node.label;
    panel.appendChild(heading);
    var list = document.createElement("dl");
    var rows = (node.details || []).slice();
    if (node.kind !== "group") { rows.splice(1, 0, [words.id, node.id]); }
    rows.forEach(function (row) {
      var term = document.createElement("dt");
      term.textContent = row[0];
      var value = document.createElement("dd");
      value.textContent = row[1];
      list.appendChild(term);
      list.appendChild(value);
    });
    panel.appendChild(list);
    if (node.reasons && node.reasons.length) {
      var why = document.createElement("h2");
      why.textContent = node.kind === "group" ? words.group : words.reasons;
      panel.appendChild(why);
      var reasons = document.createElement("ul");
      node.reasons.forEach(function (text) {
        var line = document.createElement("li");
        line.textContent = text;
        reasons.appendChild(line);
      });
      panel.appendChild(reasons);
    }
  }

  function openGroup(key) {
    var group = data.groups[key];
    if (!group) { return false; }
    state.group = key;
    load(group);
    byId("map-back").hidden = false;
    return true;
  }

  function back() {
    state.group = null;
    load(data.view);
    byId("map-back").hidden = true;
  }

  function show(id) {
    var node = state.index[id];
    if (!node) { return false; }
    network.selectNodes([id]);
    state.selected = id;
    network.focus(id, { scale: 1.3, animation: { duration: 300 } });
    relabel();
    showDetails(node);
    return true;
  }

  network.on("hoverNode", function (params) { state.hover = params.node; relabel(); });
  network.on("blurNode", function () { state.hover = null; relabel(); });
  network.on("selectNode", function (params) {
    state.selected = params.nodes.length ? params.nodes[0] : null;
    relabel();
  });
  network.on("deselectNode", function (params) {
    state.selected = params.nodes.length ? params.nodes[0] : null;
    relabel();
  });
  network.on("zoom", relabel);
  network.on("animationFinished", relabel);

  network.on("click", function (params) {
    if (!params.nodes.length) { return; }
    var node = state.index[params.nodes[0]];
    if (!node) { return; }
    showDetails(node);
    if (node.kind === "group") {
      if (node.openable) {
        openGroup(node.groupKey);
        showDetails(node);
      } else if (node.drill) {
        window.location.href = node.drill;
      }
    }
  });

  /* --- search: the view on screen first, then the groups that travel with the page --- */
  function matches(view, query, found, groupKey) {
    view.nodes.forEach(function (node) {
      if (found.length >= 10 || node.kind === "group") { return; }
      var label = String(node.label).toLowerCase();
      if (label.indexOf(query) >= 0 || String(node.id).toLowerCase().indexOf(query) >= 0) {
        found.push({ node: node, group: groupKey });
      }
    });
    if (found.length < 10 && groupKey === null) {
      view.nodes.forEach(function (node) {
        if (found.length < 10 && node.kind === "group" &&
            String(node.groupName).toLowerCase().indexOf(query) >= 0) {
          found.push({ node: node, group: null });
        }
      });
    }
  }

  function search(query) {
    query = query.trim().toLowerCase();
    var found = [];
    if (query.length < 2) { return found; }
    matches(state.view, query, found, state.group);
    if (state.group === null) {
      Object.keys(data.groups).forEach(function (key) {
        if (found.length < 10) { matches(data.groups[key], query, found, key); }
      });
    }
    return found;
  }

  function choose(hit) {
    if (hit.group !== null && hit.group !== state.group) { openGroup(hit.group); }
    show(hit.node.id);
  }

  var results = byId("map-search-results");
  function listResults() {
    var found = search(byId("map-search").value);
    results.textContent = "";
    if (byId("map-search").value.trim().length < 2) { return found; }
    var summary = document.createElement("p");
    summary.textContent = found.length ? found.length + " " + words.search_found : words.search_none;
    results.appendChild(summary);
    found.forEach(function (hit) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = hit.node.kind === "group" ? hit.node.groupName : hit.node.label;
      button.title = hit.node.id;
      button.addEventListener("click", function () { choose(hit); });
      results.appendChild(button);
    });
    return found;
  }
  byId("map-search").addEventListener("input", listResults);
  byId("map-search").addEventListener("keydown", function (event) {
    if (event.key === "Enter") {
      var found = listResults();
      if (found.length) { choose(found[0]); }
    }
  });

  /* --- controls --- */
  byId("colour-mode").addEventListener("change", function (event) {
    state.colour = event.target.value;
    document.querySelectorAll("[data-legend-mode]").forEach(function (list) {
      list.hidden = list.getAttribute("data-legend-mode") !== state.colour;
    });
    var shapes = document.querySelector('[data-legend-part="shapes"]');
    if (shapes) { shapes.hidden = state.colour === "kind"; }
    applyStyle();
  });
  byId("size-mode").addEventListener("change", function (event) {
    state.size = event.target.value;
    applyStyle();
  });
  byId("theme-filter").addEventListener("change", function (event) {
    state.theme = event.target.value;
    applyFilters();
  });
  document.querySelectorAll("#relation-filter input[type=checkbox]").forEach(function (box) {
    box.addEventListener("change", function () {
      state.hiddenTypes[box.value] = !box.checked;
      applyFilters();
    });
  });
  byId("map-back").addEventListener("click", back);

  /* A link can open a group and a node: map.html#group=c2&node=r-1a2b3c */
  function groupOf(id) {
    var keys = Object.keys(data.groups);
    for (var i = 0; i < keys.length; i++) {
      if (data.groups[keys[i]].nodes.some(function (node) { return node.id === id; })) {
        return keys[i];
      }
    }
    return null;
  }

  function followLink() {
    var wanted = new URLSearchParams(window.location.hash.slice(1));
    if (wanted.get("group")) { openGroup(wanted.get("group")); }
    var id = wanted.get("node");
    if (id && !state.index[id]) {
      var key = groupOf(id);
      if (key !== null) { openGroup(key); }
    }
    if (id) { show(id); }
  }

  load(data.view);
  followLink();
  window.addEventListener("hashchange", followLink);
  document.body.setAttribute("data-map-ready", "true");
  window.wijkgraafMap = {
    network: network,
    nodes: nodes,
    edges: edges,
    data: data,
    show: show,
    openGroup: openGroup
  };
})();
