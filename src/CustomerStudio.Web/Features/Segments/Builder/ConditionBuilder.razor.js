// Ctrl+Z / Ctrl+Y (and Ctrl+Shift+Z, ⌘ on macOS) undo and redo the condition tree,
// except while typing in a text field, where they keep their usual meaning.
export function listen(builder) {
    const handler = e => {
        if (!(e.ctrlKey || e.metaKey) || e.altKey) return;
        const t = e.target;
        const typing = t && (t.isContentEditable || t.tagName === 'TEXTAREA' || (t.tagName === 'INPUT' && !t.readOnly));
        if (typing) return;
        const key = (e.key || '').toLowerCase();
        if (key === 'z' && !e.shiftKey) {
            e.preventDefault();
            builder.invokeMethodAsync('UndoFromKeyboard');
        } else if (key === 'y' || (key === 'z' && e.shiftKey)) {
            e.preventDefault();
            builder.invokeMethodAsync('RedoFromKeyboard');
        }
    };
    document.addEventListener('keydown', handler);
    return { dispose: () => document.removeEventListener('keydown', handler) };
}
