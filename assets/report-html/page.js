// report.html's own script, inlined after cytoscape by src/features/report/html/render-html.ts. It reads the data
// block (JSON, never markup) and builds every element with textContent, so a name from the API is always text.
(function main() {
  'use strict';
  const data = JSON.parse(document.getElementById('report-data').textContent);
  const SEVERITIES = ['high', 'medium', 'low', 'info'];
  /** Rows a table shows before "show more": 10k rows of DOM would make the page slow to open and to filter. */
  const PAGE_ROWS = 200;
  const state = { mapReady: false, mapReadyMs: null, mapDrawnAt: null, map: null, selectedSpace: null };

  /** An element with text children only: strings become text nodes, never HTML. */
  function el(tag, options, children) {
    const node = document.createElement(tag);
    const o = options || {};
    if (o.text !== undefined) node.textContent = String(o.text);
    if (o.className) node.className = o.className;
    if (o.title) node.title = o.title;
    if (o.data) for (const key of Object.keys(o.data)) node.dataset[key] = String(o.data[key]);
    if (o.attrs) for (const key of Object.keys(o.attrs)) node.setAttribute(key, String(o.attrs[key]));
    for (const child of children || []) node.append(child);
    return node;
  }
  const name = (value) => (value === null || value === undefined ? '?' : value);
  const orgName = (org) => name(data.orgs[org] && data.orgs[org][1]);
  const spaceLabel = (space) => (space < 0 ? '' : `${orgName(data.spaces[space][2])} / ${name(data.spaces[space][1])}`);
  const instanceName = (instance) => (instance < 0 ? '' : data.instances[instance][1]);
  const sourceOf = (instance) => (instance < 0 ? -1 : data.instances[instance][4]);

  // Header
  document.title = `cf-shares report: ${data.api}`;
  document.getElementById('api').textContent = data.api;
  document.getElementById('generated').textContent =
    `generated ${data.generated_at}; sharing feature flag ${data.sharing_flag_enabled ? 'enabled' : 'disabled'}`;

  // Summary cards
  const s = data.summary;
  const cards = [
    ['instances', 'service instances', s.instances],
    ['shared_instances', 'shared instances', s.shared_instances],
    ['shares', 'shares (instance → space)', s.shares],
    ['bound_apps', 'apps bound in target spaces', s.bound_apps],
    ['keys', 'keys on shared instances', s.keys],
    ...SEVERITIES.map((sev) => [`findings_${sev}`, `${sev} findings`, s.findings[sev], sev]),
    ['added', 'new shares since the previous report', s.previous_generated_at === null ? '–' : s.added],
    ['removed', 'removed shares since the previous report', s.previous_generated_at === null ? '–' : s.removed],
  ];
  document
    .getElementById('cards')
    .replaceChildren(
      ...cards.map(([key, label, value, severity]) =>
        el('div', { className: `card ${severity || ''}`, data: { card: key, value } }, [
          el('div', { className: 'value', text: value }),
          el('div', { className: 'label', text: label }),
        ]),
      ),
    );

  /**
   * A table body that shows PAGE_ROWS rows at a time: rows are built only when shown, so a 10k-row table opens
   * and re-filters at once.
   */
  function pagedRows(tbody, moreButton, render) {
    let rows = [];
    let shown = 0;
    const showMore = () => {
      const next = rows.slice(shown, shown + PAGE_ROWS);
      tbody.append(...next.map(render));
      shown += next.length;
      moreButton.hidden = shown >= rows.length;
      moreButton.textContent = `show ${Math.min(PAGE_ROWS, rows.length - shown)} more of ${rows.length - shown}`;
    };
    moreButton.addEventListener('click', showMore);
    return (newRows) => {
      rows = newRows;
      shown = 0;
      tbody.replaceChildren();
      showMore();
    };
  }

  // Findings: filter by kind, severity and org (the instance's or the target's), sort by any column.
  const findingColumns = [
    ['severity', (f) => SEVERITIES.indexOf(f[0])],
    ['kind', (f) => f[1]],
    ['instance', (f) => instanceName(f[2])],
    ['source', (f) => spaceLabel(sourceOf(f[2]))],
    ['target', (f) => spaceLabel(f[3])],
    ['message', (f) => f[4]],
  ];
  const findingRow = (f) =>
    el('tr', { data: { kind: f[1], severity: f[0] } }, [
      el('td', { className: `sev-${f[0]}`, text: f[0] }),
      el('td', { text: f[5] === 'inferred' ? `${f[1]} (inferred)` : f[1] }),
      el('td', { text: instanceName(f[2]) }),
      el('td', { text: spaceLabel(sourceOf(f[2])) }),
      el('td', { text: spaceLabel(f[3]) }),
      el('td', { text: f[4] }),
    ]);
  const filterKind = document.getElementById('filter-kind');
  const filterSeverity = document.getElementById('filter-severity');
  const filterOrg = document.getElementById('filter-org');
  const optionsOf = (select, values) =>
    select.append(...values.map(([value, label]) => el('option', { text: label, attrs: { value } })));
  optionsOf(
    filterKind,
    [...new Set(data.findings.map((f) => f[1]))].sort().map((k) => [k, k]),
  );
  optionsOf(
    filterSeverity,
    SEVERITIES.filter((sev) => s.findings[sev] > 0).map((sev) => [sev, sev]),
  );
  const findingOrgs = new Set();
  for (const f of data.findings) {
    if (f[2] >= 0) findingOrgs.add(data.spaces[sourceOf(f[2])][2]);
    if (f[3] >= 0) findingOrgs.add(data.spaces[f[3]][2]);
  }
  optionsOf(
    filterOrg,
    [...findingOrgs].map((org) => [String(org), orgName(org)]).sort((a, b) => a[1].localeCompare(b[1])),
  );
  const showFindings = pagedRows(
    document.getElementById('findings-body'),
    document.getElementById('findings-more'),
    findingRow,
  );
  const findingsCount = document.getElementById('findings-count');
  const sort = { column: -1, direction: 1 };
  function refreshFindings() {
    const kind = filterKind.value;
    const severity = filterSeverity.value;
    const org = filterOrg.value === '' ? -1 : Number(filterOrg.value);
    const orgOf = (space) => (space < 0 ? -2 : data.spaces[space][2]);
    let rows = data.findings.filter(
      (f) =>
        (kind === '' || f[1] === kind) &&
        (severity === '' || f[0] === severity) &&
        (org < 0 || orgOf(sourceOf(f[2])) === org || orgOf(f[3]) === org),
    );
    if (sort.column >= 0) {
      const key = findingColumns[sort.column][1];
      const keyed = rows.map((f, i) => [key(f), i, f]);
      keyed.sort((a, b) => {
        const order = typeof a[0] === 'number' ? a[0] - b[0] : String(a[0]).localeCompare(String(b[0]));
        return order * sort.direction || a[1] - b[1];
      });
      rows = keyed.map((k) => k[2]);
    }
    findingsCount.textContent = `${rows.length} of ${data.findings.length} findings`;
    findingsCount.dataset.count = String(rows.length);
    showFindings(rows);
  }
  for (const select of [filterKind, filterSeverity, filterOrg]) select.addEventListener('change', refreshFindings);
  const findingsHead = document.getElementById('findings-head');
  findingsHead.replaceChildren(
    ...findingColumns.map(([label], index) => {
      const button = el('button', { text: label, attrs: { type: 'button' }, data: { sort: label } });
      const th = el('th', { attrs: { 'aria-sort': 'none' } }, [button]);
      button.addEventListener('click', () => {
        sort.direction = sort.column === index ? -sort.direction : 1;
        sort.column = index;
        for (const other of findingsHead.children) other.setAttribute('aria-sort', 'none');
        th.setAttribute('aria-sort', sort.direction > 0 ? 'ascending' : 'descending');
        refreshFindings();
      });
      return th;
    }),
  );
  refreshFindings();

  // Diff since the previous report
  const diffSummary = document.getElementById('diff-summary');
  diffSummary.textContent =
    s.previous_generated_at === null
      ? 'No previous report of this foundation: every share is new.'
      : `Since the report of ${s.previous_generated_at}: ${s.added} share(s) added, ${s.removed} removed.`;
  const diffRow = (d) =>
    el('tr', {}, [
      el('td', { text: d[0] }),
      el('td', { text: name(d[1]) }),
      el('td', { text: `${name(d[2])} / ${name(d[3])}` }),
      el('td', { text: `${name(d[4])} / ${name(d[5])}` }),
    ]);
  for (const which of ['added', 'removed']) {
    // Added shares are indexes into data.shares; removed ones are gone from it and come by name.
    const asDiff = (share) => {
      const [org, space] = [data.spaces[sourceOf(share[0])], data.spaces[share[1]]];
      const instance = data.instances[share[0]];
      return [instance[1], instance[2], orgName(org[2]), org[1], orgName(space[2]), space[1]];
    };
    const listed = which === 'added' ? data.diff.added.map((i) => asDiff(data.shares[i])) : data.diff.removed;
    const rows = s.previous_generated_at === null ? [] : listed;
    document.getElementById(`diff-${which}-count`).textContent = String(rows.length);
    document.getElementById(`diff-${which}-count`).dataset.count = String(rows.length);
    pagedRows(
      document.getElementById(`diff-${which}-body`),
      document.getElementById(`diff-${which}-more`),
      diffRow,
    )(rows);
  }

  // The share map: org boxes holding their spaces, one edge per (source space, target space) weighted by instances.
  const sharesBySource = new Map();
  const sharesByTarget = new Map();
  const edges = new Map();
  const push = (map, key, value) => (map.get(key) || map.set(key, []).get(key)).push(value);
  for (const share of data.shares) {
    const source = sourceOf(share[0]);
    push(sharesBySource, source, share);
    push(sharesByTarget, share[1], share);
    const key = `${source}>${share[1]}`;
    const edge = edges.get(key);
    if (edge) edge.weight += 1;
    else edges.set(key, { source, target: share[1], weight: 1 });
  }
  const orgOfSpace = (space) => data.spaces[space][2];
  const mapSpaces = [...new Set([...sharesBySource.keys(), ...sharesByTarget.keys()])];
  const spacesByOrg = new Map();
  for (const space of mapSpaces) push(spacesByOrg, orgOfSpace(space), space);
  const orgOrder = [...spacesByOrg.keys()].sort((a, b) => orgName(a).localeCompare(orgName(b)) || a - b);
  for (const spaces of spacesByOrg.values())
    spaces.sort((a, b) => name(data.spaces[a][1]).localeCompare(name(data.spaces[b][1])));
  let crossOrgEdges = 0;
  let maxWeight = 1;
  for (const edge of edges.values()) {
    if (orgOfSpace(edge.source) !== orgOfSpace(edge.target)) crossOrgEdges += 1;
    maxWeight = Math.max(maxWeight, edge.weight);
  }
  // Cytoscape draws about a few thousand elements a second: past the limit the map opens on orgs (one node each, one
  // edge per pair of orgs) and draws an org's spaces when it is selected.
  const detailed = spacesByOrg.size + mapSpaces.length + edges.size <= data.map_element_limit;
  const mapEl = document.getElementById('map');
  mapEl.dataset.mode = detailed ? 'spaces' : 'orgs';
  document.getElementById('map-legend-counts').textContent =
    `${spacesByOrg.size} orgs, ${mapSpaces.length} spaces, ${edges.size} space-to-space edges (${crossOrgEdges} cross-org)` +
    (detailed ? '' : '; too many to draw at once: orgs are shown, select one to draw its spaces');

  // A preset layout (orgs shelf-packed, each org's spaces in a square grid): a force layout of thousands of nodes
  // takes seconds, this takes milliseconds and puts a space's org around it. Wider than tall: a space's label sits
  // under its dot and must not run into the next one's.
  const STEP_X = 90;
  const STEP_Y = 50;
  const spaceNodes = (org, at) => {
    const spaces = spacesByOrg.get(org);
    const side = Math.ceil(Math.sqrt(spaces.length));
    return spaces.map((space, i) => ({
      group: 'nodes',
      data: { id: `s${space}`, kind: 'space', parent: `o${org}`, label: name(data.spaces[space][1]) },
      position: { x: at.x + (i % side) * STEP_X, y: at.y + Math.floor(i / side) * STEP_Y },
    }));
  };
  const edgeElement = (id, source, target, weight, cross) => ({
    group: 'edges',
    data: { id, source, target, weight },
    classes: cross ? 'cross' : '',
  });
  const elements = [];
  const orgPosition = new Map();
  if (detailed) {
    const blocks = orgOrder.map((org) => ({ org, side: Math.ceil(Math.sqrt(spacesByOrg.get(org).length)) }));
    const totalArea = blocks.reduce((sum, b) => sum + (b.side + 1) * (b.side + 1), 0);
    const shelfWidth = Math.max(Math.ceil(Math.sqrt(totalArea) * 1.6), ...blocks.map((b) => b.side + 1));
    let x = 0;
    let y = 0;
    let shelfHeight = 0;
    for (const block of blocks) {
      if (x + block.side + 1 > shelfWidth) {
        x = 0;
        y += shelfHeight;
        shelfHeight = 0;
      }
      elements.push({ group: 'nodes', data: { id: `o${block.org}`, kind: 'org', label: orgName(block.org) } });
      elements.push(...spaceNodes(block.org, { x: x * STEP_X, y: y * STEP_Y }));
      x += block.side + 1;
      shelfHeight = Math.max(shelfHeight, Math.ceil(spacesByOrg.get(block.org).length / block.side) + 1);
    }
    let i = 0;
    for (const edge of edges.values()) {
      const cross = orgOfSpace(edge.source) !== orgOfSpace(edge.target);
      elements.push(edgeElement(`e${i++}`, `s${edge.source}`, `s${edge.target}`, edge.weight, cross));
    }
  } else {
    const side = Math.ceil(Math.sqrt(orgOrder.length));
    orgOrder.forEach((org, i) => {
      const position = { x: (i % side) * 400, y: Math.floor(i / side) * 300 };
      orgPosition.set(org, position);
      elements.push({
        group: 'nodes',
        data: { id: `o${org}`, kind: 'org', label: `${orgName(org)} (${spacesByOrg.get(org).length})` },
        position,
      });
    });
    // Only the heaviest org-to-org edges, half the element budget: a foundation sharing across every pair of orgs
    // would otherwise draw tens of thousands. The legend says how many are left out.
    const all = orgEdges(
      () => true,
      (space) => `o${orgOfSpace(space)}`,
    ).sort((a, b) => b.data.weight - a.data.weight);
    const kept = all.slice(0, Math.floor(data.map_element_limit / 2));
    elements.push(...kept);
    document.getElementById('map-legend-counts').textContent +=
      `; ${kept.length} heaviest of ${all.length} org-to-org edges drawn`;
  }

  /** Edges between the map ids `idOf` gives the spaces of the space-edges `keep` selects, weights summed. */
  function orgEdges(keep, idOf) {
    const merged = new Map();
    for (const edge of edges.values()) {
      if (!keep(edge)) continue;
      const [source, target] = [idOf(edge.source), idOf(edge.target)];
      if (source === target) continue;
      const key = `${source}>${target}`;
      const known = merged.get(key);
      if (known) known.data.weight += edge.weight;
      else {
        const cross = orgOfSpace(edge.source) !== orgOfSpace(edge.target);
        merged.set(key, edgeElement(`x${key}`, source, target, edge.weight, cross));
      }
    }
    return [...merged.values()];
  }

  let expandedOrg = null;
  /** Overview only: draws an org's spaces inside its node, with their edges to other orgs and between themselves. */
  function expandOrg(org) {
    if (detailed || org === expandedOrg) return;
    const cy = state.map;
    cy.batch(() => {
      if (expandedOrg !== null) {
        cy.$('.expanded').remove();
        cy.$('edge').removeStyle('display');
      }
      expandedOrg = org;
      const inOrg = (space) => orgOfSpace(space) === org;
      // The org's own edges to other orgs give way to its spaces' edges.
      cy.$id(`o${org}`).connectedEdges().style('display', 'none');
      const added = cy.add([
        ...spaceNodes(org, orgPosition.get(org)),
        ...orgEdges(
          (edge) => inOrg(edge.source) || inOrg(edge.target),
          (space) => (inOrg(space) ? `s${space}` : `o${orgOfSpace(space)}`),
        ),
      ]);
      added.addClass('expanded');
    });
    cy.fit(cy.$id(`o${org}`).closedNeighborhood().union(cy.$('.expanded').connectedNodes()), 30);
    const drawn = cy.$('.expanded');
    mapEl.dataset.expandedOrg = data.orgs[org][0];
    mapEl.dataset.expandedSpaces = String(drawn.nodes().length);
    mapEl.dataset.expandedEdges = String(drawn.edges().length);
  }

  // The space picker: the same selection as a click on the map, usable with a keyboard.
  const picker = document.getElementById('space-select');
  optionsOf(
    picker,
    mapSpaces.map((space) => [String(space), spaceLabel(space)]).sort((a, b) => a[1].localeCompare(b[1])),
  );

  const panel = document.getElementById('panel');
  /** Lists a space's shared-out and shared-in instances, with the apps bound to each share. */
  function showSpace(space) {
    state.selectedSpace = space;
    picker.value = String(space);
    const out = sharesBySource.get(space) || [];
    const into = sharesByTarget.get(space) || [];
    const apps = [...new Set(into.flatMap((share) => share[2]))].sort();
    const shareItem = (share, where) =>
      el('li', { data: { instance: data.instances[share[0]][0] } }, [
        el('strong', { text: instanceName(share[0]) }),
        el('span', {
          text: ` ${where} ${share[2].length ? `— bound: ${share[2].join(', ')}` : '— no app bound'}`,
        }),
      ]);
    const list = (key, title, items) => [
      el('h3', { text: `${title} (${items.length})` }),
      el('ul', { data: { list: key } }, items),
    ];
    panel.replaceChildren(
      el('h3', { text: spaceLabel(space), data: { space: data.spaces[space][0] } }),
      el('div', { className: 'meta', text: data.spaces[space][0] }),
      ...list(
        'shared-out',
        'Shared out (instance → target space)',
        out.map((share) => shareItem(share, `→ ${spaceLabel(share[1])}`)),
      ),
      ...list(
        'shared-in',
        'Shared in (instance ← source space)',
        into.map((share) => shareItem(share, `← ${spaceLabel(sourceOf(share[0]))}`)),
      ),
      ...list(
        'bound-apps',
        'Apps here bound to shared-in instances',
        apps.map((app) => el('li', { text: app })),
      ),
    );
  }
  picker.addEventListener('change', () => {
    if (picker.value === '') return;
    const space = Number(picker.value);
    showSpace(space);
    // The panel is painted first; the map follows after that frame. Drawing an org's spaces costs cytoscape a
    // frame of about half a second at 100k instances, which the answer in the panel need not wait for.
    requestAnimationFrame(() =>
      setTimeout(() => {
        // A later choice in the picker, or a click on the map, has taken over.
        if (!state.map || state.selectedSpace !== space) return;
        expandOrg(orgOfSpace(space));
        state.map.$(':selected').unselect();
        state.map.$id(`s${space}`).select();
      }, 0),
    );
  });

  const started = performance.now();
  const big = elements.length > 2000;
  const cy = cytoscape({
    container: mapEl,
    elements,
    layout: { name: 'preset', fit: true, padding: 20 },
    // Big maps: draw a bitmap while panning and zooming instead of every edge, one pixel per pixel.
    textureOnViewport: big,
    hideEdgesOnViewport: big,
    pixelRatio: big ? 1 : 'auto',
    boxSelectionEnabled: false,
    selectionType: 'single',
    style: [
      {
        selector: 'node[kind="space"]',
        style: {
          width: 14,
          height: 14,
          'background-color': '#2b6cb0',
          label: 'data(label)',
          'font-size': 8,
          'min-zoomed-font-size': 9,
          'text-valign': 'bottom',
          color: '#1d2330',
        },
      },
      {
        selector: 'node[kind="org"]',
        style: {
          shape: 'round-rectangle',
          width: 40,
          height: 30,
          'background-color': '#2b6cb0',
          'background-opacity': 0.08,
          'border-width': 1,
          'border-color': '#aab3c2',
          label: 'data(label)',
          'font-size': 12,
          'min-zoomed-font-size': 7,
          'text-valign': 'top',
          color: '#5b6475',
          padding: 8,
        },
      },
      {
        selector: 'edge',
        style: {
          width: `mapData(weight, 1, ${Math.max(2, maxWeight)}, 1, 6)`,
          'line-color': '#8895a7',
          'target-arrow-color': '#8895a7',
          'target-arrow-shape': big ? 'none' : 'triangle',
          'curve-style': big ? 'haystack' : 'straight',
          opacity: 0.7,
        },
      },
      {
        selector: 'edge.cross',
        style: { 'line-color': '#b3261e', 'target-arrow-color': '#b3261e' },
      },
      {
        selector: 'edge.expanded',
        style: { 'curve-style': 'straight', 'target-arrow-shape': 'triangle' },
      },
      {
        selector: 'node:selected',
        style: { 'background-color': '#c76a00', 'border-width': 2, 'border-color': '#c76a00' },
      },
      {
        selector: 'edge.near',
        style: { 'line-color': '#c76a00', 'target-arrow-color': '#c76a00', opacity: 1, 'z-index': 10 },
      },
    ],
  });
  state.map = cy;
  cy.on('select', 'node[kind="space"]', (event) => {
    cy.$('edge.near').removeClass('near');
    event.target.connectedEdges().addClass('near');
    const space = Number(event.target.id().slice(1));
    // The picker has already shown it (it selects the node after painting the panel).
    if (space !== state.selectedSpace) showSpace(space);
  });
  // A tap on a space inside an expanded org also reaches the org; expandOrg ignores the org already drawn.
  cy.on('tap', 'node[kind="org"]', (event) => expandOrg(Number(event.target.id().slice(1))));
  cy.one('render', () => {
    state.mapDrawnAt = performance.now();
    state.mapReadyMs = state.mapDrawnAt - started;
    state.mapReady = true;
    mapEl.dataset.ready = 'true';
  });

  const drawnNodes = detailed ? spacesByOrg.size + mapSpaces.length : spacesByOrg.size;
  const drawnEdges = detailed ? edges.size : elements.length - spacesByOrg.size;
  mapEl.dataset.nodes = String(drawnNodes);
  mapEl.dataset.edges = String(drawnEdges);
  // Read-only facts for tests and benchmarks (counts, readiness, where a space is drawn); nothing here changes the page.
  window.__cfShares = Object.freeze({
    /** What the foundation's map holds, and what the first frame drew (`mode` orgs: org nodes and org-to-org edges). */
    map: Object.freeze({
      mode: detailed ? 'spaces' : 'orgs',
      orgs: spacesByOrg.size,
      spaces: mapSpaces.length,
      nodes: spacesByOrg.size + mapSpaces.length,
      edges: edges.size,
      crossOrgEdges,
      drawnNodes,
      drawnEdges,
    }),
    findings: data.findings.length,
    get mapReady() {
      return state.mapReady;
    },
    /** Milliseconds cytoscape took from its construction to its first frame. */
    get mapReadyMs() {
      return state.mapReadyMs;
    },
    /** Milliseconds from the start of navigation to the map's first frame. */
    get mapDrawnAt() {
      return state.mapDrawnAt;
    },
    get selectedSpaceGuid() {
      return state.selectedSpace === null ? null : data.spaces[state.selectedSpace][0];
    },
    /** Where the node of a space (or, with `org`, of an org) is drawn, in page coordinates, or null when it is not. */
    position(guid, kind) {
      const table = kind === 'org' ? data.orgs : data.spaces;
      const index = table.findIndex((entry) => entry[0] === guid);
      const node = index < 0 ? undefined : cy.$id(`${kind === 'org' ? 'o' : 's'}${index}`)[0];
      if (!node) return null;
      const box = mapEl.getBoundingClientRect();
      const at = node.renderedPosition();
      // An expanded org's centre is among its spaces: its label, above its box, is where a person clicks it.
      const y = kind === 'org' && node.isParent() ? node.renderedBoundingBox().y1 + 4 : at.y;
      return { x: box.left + at.x, y: box.top + y };
    },
  });
})();
