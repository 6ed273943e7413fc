// Pointer work of the journey canvas, done in the browser so that nothing round-trips per mouse move:
// dragging nodes (edges follow), drawing a connection from an output port, panning, zooming, dropping palette
// entries, keyboard shortcuts. Only the result goes to .NET: MoveNodes, Connect, DropKind, SetView, and the
// keyboard commands. Blazor renders the SVG; this module only changes transforms and paths until the result is
// committed and rendered back.

const MIN_ZOOM = 0.2, MAX_ZOOM = 2.5, FIT_MIN_ZOOM = 0.55, DRAG_THRESHOLD = 4;

function edgePath(x1, y1, x2, y2) {
    const dx = Math.max(40, Math.abs(x2 - x1) / 2);
    const r = v => Math.round(v * 10) / 10;
    return `M ${r(x1)} ${r(y1)} C ${r(x1 + dx)} ${r(y1)}, ${r(x2 - dx)} ${r(y2)}, ${r(x2)} ${r(y2)}`;
}

function readTranslate(el) {
    const m = /translate\(\s*([-\d.e]+)[ ,]+([-\d.e]+)\s*\)/.exec(el.getAttribute('transform') || '');
    return m ? { x: parseFloat(m[1]), y: parseFloat(m[2]) } : { x: 0, y: 0 };
}

function readView(viewport) {
    const t = readTranslate(viewport);
    const s = /scale\(\s*([-\d.e]+)\s*\)/.exec(viewport.getAttribute('transform') || '');
    return { x: t.x, y: t.y, z: s ? parseFloat(s[1]) : 1 };
}

function writeView(viewport, v) {
    viewport.setAttribute('transform', `translate(${v.x},${v.y}) scale(${v.z})`);
}

export function attach(wrap, dotnet) {
    const svg = wrap.querySelector('svg');
    const viewport = () => svg.querySelector('.jc-viewport');
    let gesture = null;
    let suppressClick = false;
    let viewTimer = 0;

    const toCanvas = (clientX, clientY) => {
        const rect = svg.getBoundingClientRect();
        const v = readView(viewport());
        return { x: (clientX - rect.left - v.x) / v.z, y: (clientY - rect.top - v.y) / v.z };
    };

    const nodeAt = (clientX, clientY) => {
        const el = document.elementFromPoint(clientX, clientY);
        return el ? el.closest('[data-node-id]') : null;
    };

    const reportView = () => {
        clearTimeout(viewTimer);
        viewTimer = setTimeout(() => {
            const v = readView(viewport());
            dotnet.invokeMethodAsync('SetView', v.x, v.y, v.z);
        }, 150);
    };

    // Where an edge starts (an output port) and ends (a node's input), in canvas units.
    const anchors = (edge) => {
        const from = svg.querySelector(`[data-node-id="${CSS.escape(edge.dataset.from)}"]`);
        const to = svg.querySelector(`[data-node-id="${CSS.escape(edge.dataset.to)}"]`);
        if (!from || !to) return null;
        const port = from.querySelector(`circle[data-port="${CSS.escape(edge.dataset.port)}"]`);
        const f = readTranslate(from), t = readTranslate(to);
        return {
            x1: f.x + parseFloat(port ? port.getAttribute('cx') : from.dataset.w),
            y1: f.y + parseFloat(port ? port.getAttribute('cy') : from.dataset.h / 2),
            x2: t.x, y2: t.y + parseFloat(to.dataset.h) / 2,
        };
    };

    const redrawEdges = (ids) => {
        for (const edge of svg.querySelectorAll('.jc-edge')) {
            if (!ids.has(edge.dataset.from) && !ids.has(edge.dataset.to)) continue;
            const a = anchors(edge);
            if (!a) continue;
            const d = edgePath(a.x1, a.y1, a.x2, a.y2);
            for (const p of edge.querySelectorAll('path')) p.setAttribute('d', d);
        }
    };

    const onPointerDown = (e) => {
        if (e.button !== 0) return;
        const port = e.target.closest('circle[data-port]');
        const node = e.target.closest('[data-node-id]');
        if (port && node && wrap.dataset.readonly !== 'true') {
            const start = toCanvas(e.clientX, e.clientY);
            const line = document.createElementNS('http://www.w3.org/2000/svg', 'path');
            line.setAttribute('class', 'jc-connecting');
            viewport().appendChild(line);
            const f = readTranslate(node);
            gesture = { kind: 'connect', from: node.dataset.nodeId, port: port.dataset.port, line,
                x1: f.x + parseFloat(port.getAttribute('cx')), y1: f.y + parseFloat(port.getAttribute('cy')), start };
            line.setAttribute('d', edgePath(gesture.x1, gesture.y1, start.x, start.y));
            svg.setPointerCapture(e.pointerId);
        } else if (node && wrap.dataset.readonly !== 'true') {
            const id = node.dataset.nodeId;
            // Dragging a selected node moves the whole selection.
            const group = node.classList.contains('selected')
                ? [...svg.querySelectorAll('.jc-node.selected')] : [node];
            gesture = { kind: 'node', startX: e.clientX, startY: e.clientY, moved: false, id,
                nodes: group.map(n => ({ el: n, id: n.dataset.nodeId, ...readTranslate(n) })) };
        } else if (e.target.closest('.jc-edge')) {
            return;
        } else {
            gesture = { kind: 'pan', startX: e.clientX, startY: e.clientY, moved: false, view: readView(viewport()) };
        }
        gesture.pointerId = e.pointerId;
        wrap.focus({ preventScroll: true });
    };

    const onPointerMove = (e) => {
        if (!gesture) return;
        if (gesture.kind === 'connect') {
            const p = toCanvas(e.clientX, e.clientY);
            gesture.line.setAttribute('d', edgePath(gesture.x1, gesture.y1, p.x, p.y));
            const over = nodeAt(e.clientX, e.clientY);
            svg.querySelectorAll('.jc-node.drop-target').forEach(n => n.classList.remove('drop-target'));
            if (over && over.dataset.nodeId !== gesture.from && over.dataset.input === 'true') over.classList.add('drop-target');
            return;
        }
        const dx = e.clientX - gesture.startX, dy = e.clientY - gesture.startY;
        if (!gesture.moved && Math.hypot(dx, dy) < DRAG_THRESHOLD) return;
        if (!gesture.moved) svg.setPointerCapture(gesture.pointerId);
        gesture.moved = true;
        if (gesture.kind === 'node') {
            const z = readView(viewport()).z;
            for (const n of gesture.nodes) n.el.setAttribute('transform', `translate(${n.x + dx / z},${n.y + dy / z})`);
            redrawEdges(new Set(gesture.nodes.map(n => n.id)));
        } else if (gesture.kind === 'pan') {
            writeView(viewport(), { x: gesture.view.x + dx, y: gesture.view.y + dy, z: gesture.view.z });
        }
    };

    const onPointerUp = (e) => {
        if (!gesture) return;
        const g = gesture;
        gesture = null;
        if (svg.hasPointerCapture(e.pointerId)) svg.releasePointerCapture(e.pointerId);
        if (g.kind === 'connect') {
            g.line.remove();
            svg.querySelectorAll('.jc-node.drop-target').forEach(n => n.classList.remove('drop-target'));
            const over = nodeAt(e.clientX, e.clientY);
            if (over && over.dataset.nodeId !== g.from) dotnet.invokeMethodAsync('Connect', g.from, g.port, over.dataset.nodeId);
            suppressClick = true;
            return;
        }
        if (!g.moved) return;
        suppressClick = true;
        if (g.kind === 'node') {
            const moves = g.nodes.map(n => { const t = readTranslate(n.el); return { id: n.id, x: t.x, y: t.y }; });
            dotnet.invokeMethodAsync('MoveNodes', moves);
        } else if (g.kind === 'pan') {
            reportView();
        }
    };

    // A drag or a connection ends with a click on whatever is under the pointer: it is not a selection.
    const onClickCapture = (e) => {
        if (!suppressClick) return;
        suppressClick = false;
        e.stopPropagation();
        e.preventDefault();
    };

    const onWheel = (e) => {
        e.preventDefault();
        const rect = svg.getBoundingClientRect();
        const v = readView(viewport());
        const z = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, v.z * Math.exp(-e.deltaY * 0.0015)));
        const px = e.clientX - rect.left, py = e.clientY - rect.top;
        writeView(viewport(), { x: px - (px - v.x) * z / v.z, y: py - (py - v.y) * z / v.z, z });
        reportView();
    };

    const onDragOver = (e) => {
        if (e.dataTransfer && [...e.dataTransfer.types].includes('text/x-journey-kind')) {
            e.preventDefault();
            e.dataTransfer.dropEffect = 'copy';
        }
    };

    const onDrop = (e) => {
        const kind = e.dataTransfer && e.dataTransfer.getData('text/x-journey-kind');
        if (!kind) return;
        e.preventDefault();
        const p = toCanvas(e.clientX, e.clientY);
        // The pointer holds the node by the middle of its left part.
        dotnet.invokeMethodAsync('DropKind', kind, p.x - 40, p.y - 24);
    };

    const onDragStart = (e) => {
        const item = e.target.closest && e.target.closest('[data-palette-kind]');
        if (!item) return;
        e.dataTransfer.setData('text/x-journey-kind', item.dataset.paletteKind);
        e.dataTransfer.effectAllowed = 'copy';
    };

    const onKeyDown = (e) => {
        const t = e.target;
        if (t && (t.isContentEditable || t.tagName === 'TEXTAREA' || t.tagName === 'INPUT' || t.tagName === 'SELECT')) return;
        const key = (e.key || '').toLowerCase();
        const mod = (e.ctrlKey || e.metaKey) && !e.altKey;
        let command = null;
        if (key === 'delete' || key === 'backspace') command = 'DeleteSelection';
        else if (mod && key === 'z' && !e.shiftKey) command = 'Undo';
        else if (mod && (key === 'y' || (key === 'z' && e.shiftKey))) command = 'Redo';
        else if (mod && key === 'c') command = 'Copy';
        else if (mod && key === 'v') command = 'Paste';
        else if (mod && key === 'a') command = 'SelectAll';
        else if (key === 'escape') command = 'ClearSelection';
        if (!command) return;
        // The canvas's own shortcuts: the condition builder's document-wide undo must not see them.
        e.preventDefault();
        e.stopPropagation();
        dotnet.invokeMethodAsync('Command', command);
    };

    svg.addEventListener('pointerdown', onPointerDown);
    svg.addEventListener('pointermove', onPointerMove);
    svg.addEventListener('pointerup', onPointerUp);
    svg.addEventListener('pointercancel', onPointerUp);
    svg.addEventListener('click', onClickCapture, true);
    svg.addEventListener('wheel', onWheel, { passive: false });
    wrap.addEventListener('dragover', onDragOver);
    wrap.addEventListener('drop', onDrop);
    wrap.addEventListener('keydown', onKeyDown);
    document.addEventListener('dragstart', onDragStart);

    return {
        // Fits the drawing into the visible area, between 100% and a size that stays legible; a drawing larger than
        // that starts at its top-left corner and is panned.
        fit: () => {
            const layer = svg.querySelector('.jc-nodes');
            const rect = svg.getBoundingClientRect();
            if (!layer || !layer.childElementCount || rect.width === 0) return readView(viewport());
            const box = layer.getBBox();
            const pad = 32;
            const z = Math.min(1, Math.max(FIT_MIN_ZOOM, Math.min((rect.width - 2 * pad) / Math.max(box.width, 1), (rect.height - 2 * pad) / Math.max(box.height + 20, 1))));
            const v = { x: pad - box.x * z + Math.max(0, (rect.width - 2 * pad - box.width * z) / 2), y: pad - box.y * z, z };
            writeView(viewport(), v);
            return v;
        },
        // The visible area's centre in canvas units, where a node added by a click goes.
        centre: () => {
            const rect = svg.getBoundingClientRect();
            return toCanvas(rect.left + rect.width / 2, rect.top + rect.height / 2);
        },
        dispose: () => {
            clearTimeout(viewTimer);
            document.removeEventListener('dragstart', onDragStart);
        },
    };
}
